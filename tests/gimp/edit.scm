; gimp-gemini: Script-Fu checks run in real GIMP 3 by tests/gimp/run.sh.
;
; run.sh defines gg-in (input pictures) and gg-out (outputs) before loading
; this file.  Each check reports one line "GGT name key=value ..." through
; gimp-message (stderr in batch mode) and exports the drawables it wants
; checked to PNG; tests/gimp/checks.py judges them on the host.  A check
; that throws reports "GGT name error=1" instead, so one failure does not
; hide the others.

(define (gg-num x) (number->string x))

(define (gg-report name . parts)
  (gimp-message (apply string-append (cons "GGT " (cons name parts)))))

(define (gg-path name) (string-append gg-out "/" name))

(define (gg-load name)
  (gimp-file-load RUN-NONINTERACTIVE (string-append gg-in "/" name)))

(define (gg-n-layers img) (vector-length (gimp-image-get-layers img)))

; One drawable (layer, group or mask) alone in a new image, as PNG.
(define (gg-export drawable name)
  (let* ((w (gimp-drawable-get-width drawable))
         (h (gimp-drawable-get-height drawable))
         (img (gimp-image-new w h RGB))
         (layer (gimp-layer-new-from-drawable drawable img)))
    (gimp-image-insert-layer img layer 0 0)
    (gimp-layer-set-offsets layer 0 0)
    (gimp-file-save RUN-NONINTERACTIVE img (gg-path name) -1)
    (gimp-image-delete img)))

(define (gg-geometry drawable)
  (let ((off (gimp-drawable-get-offsets drawable)))
    (string-append " x=" (gg-num (car off)) " y=" (gg-num (cadr off))
                   " w=" (gg-num (gimp-drawable-get-width drawable))
                   " h=" (gg-num (gimp-drawable-get-height drawable)))))

; Script-Fu 3 hands items around as IDs; no mask is -1.
(define (gg-has-mask layer)
  (catch 0 (if (gimp-item-id-is-layer-mask (gimp-layer-get-mask layer)) 1 0)))

(define (gg-edit img drawables prompt)
  (plug-in-gemini-edit #:run-mode RUN-NONINTERACTIVE #:image img
                       #:drawables drawables #:prompt prompt))

; --- generate: a new image at the model's dimensions (2.5 Flash 16:9: 1344x768)
(catch (gg-report "generate" " error=1")
  (let* ((result (plug-in-gemini-generate #:run-mode RUN-NONINTERACTIVE
                                          #:prompt "a lighthouse at dusk"
                                          #:model "gemini-2.5-flash-image"
                                          #:aspect-ratio "16:9"))
         (img (car result))
         (layer (cadr result)))
    (gg-report "generate"
               " w=" (gg-num (gimp-image-get-width img))
               " h=" (gg-num (gimp-image-get-height img))
               " layers=" (gg-num (gg-n-layers img))
               " layer-w=" (gg-num (gimp-drawable-get-width layer)))
    (gg-export layer "generate.png")))

; --- generate as a layer of an existing image
(catch (gg-report "generate-as-layer" " error=1")
  (let* ((img (gg-load "texture.png"))
         (before (gg-n-layers img))
         (result (plug-in-gemini-generate #:run-mode RUN-NONINTERACTIVE
                                          #:image img #:as-layer TRUE
                                          #:prompt "a small red boat"
                                          #:aspect-ratio "1:1"))
         (layer (cadr result)))
    (gg-report "generate-as-layer"
               " before=" (gg-num before)
               " layers=" (gg-num (gg-n-layers img))
               " same-image=" (if (= (car result) img) "1" "0")
               (gg-geometry layer))))

; --- edit a rectangular selection of a layer offset inside a larger canvas
(catch (gg-report "edit-selection" " error=1")
  (let* ((img (gg-load "texture.png"))
         (src (vector-ref (gimp-image-get-layers img) 0)))
    (gimp-image-resize img 640 480 30 20)
    (gg-export src "sel-src-before.png")
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 130 120 160 120)
    ; grow 0, feather 0: the mask is exactly the selection (sel-mask.png)
    (let ((new (plug-in-gemini-edit #:run-mode RUN-NONINTERACTIVE #:image img
                                    #:drawables (vector src) #:prompt "add a red balloon"
                                    #:grow 0 #:feather 0.0)))
      (gg-report "edit-selection"
                 " layers=" (gg-num (gg-n-layers img))
                 " pos-new=" (gg-num (gimp-image-get-item-position img new))
                 " pos-src=" (gg-num (gimp-image-get-item-position img src))
                 " mask=" (gg-num (gg-has-mask new))
                 " gray=" (if (gimp-drawable-is-gray new) "1" "0")
                 " alpha=" (if (gimp-drawable-has-alpha new) "1" "0")
                 (gg-geometry new))
      (gg-report "edit-selection-src" (gg-geometry src))
      (gg-export src "sel-src-after.png")
      (gg-export new "sel-new.png")
      (gg-export (gimp-layer-get-mask new) "sel-mask.png")
      (gimp-xcf-save RUN-NONINTERACTIVE img (gg-path "edit-selection.xcf")))))

; --- refine: reopen the edit's .xcf and continue its conversation
(catch (gg-report "sf-refine" " error=1")
  (let* ((img (gimp-file-load RUN-NONINTERACTIVE (gg-path "edit-selection.xcf")))
         (before (gg-n-layers img))
         (top (vector-ref (gimp-image-get-layers img) 0))
         (new (plug-in-gemini-refine #:run-mode RUN-NONINTERACTIVE #:image img
                                     #:drawables (vector top)
                                     #:prompt "make the balloon yellow")))
    (gg-report "sf-refine"
               " before=" (gg-num before)
               " layers=" (gg-num (gg-n-layers img))
               " pos-new=" (gg-num (gimp-image-get-item-position img new))
               " mask=" (gg-num (gg-has-mask new))
               (gg-geometry new))
    (gg-report "sf-refine-first" (gg-geometry top))))

; --- references and style transfer, as a script writes them
(catch (gg-report "sf-references" " error=1")
  (let* ((img (gg-load "texture.png"))
         (src (vector-ref (gimp-image-get-layers img) 0))
         (other (gg-load "gray.png"))
         (ref (vector-ref (gimp-image-get-layers other) 0))
         (edited (plug-in-gemini-edit #:run-mode RUN-NONINTERACTIVE #:image img
                                      #:drawables (vector src)
                                      #:prompt "add a cat"
                                      #:references (vector ref)
                                      #:reference-roles "subject"))
         (styled (plug-in-gemini-style-transfer #:run-mode RUN-NONINTERACTIVE
                                                #:image img
                                                #:drawables (vector src)
                                                #:style ref)))
    (gg-report "sf-references"
               " layers=" (gg-num (gg-n-layers img))
               " pos-styled=" (gg-num (gimp-image-get-item-position img styled))
               " pos-edited=" (gg-num (gimp-image-get-item-position img edited)))
    (gimp-image-delete other)
    (gimp-image-delete img)))

; --- edit with nothing selected: the result covers the layer
(catch (gg-report "edit-whole" " error=1")
  (let* ((img (gg-load "texture.png"))
         (src (vector-ref (gimp-image-get-layers img) 0)))
    (gimp-image-resize img 600 500 40 50)
    (gimp-selection-none img)
    (gg-export src "whole-src-before.png")
    (let ((new (gg-edit img (vector src) "make it look like winter")))
      (gg-report "edit-whole"
                 " layers=" (gg-num (gg-n-layers img))
                 " pos-new=" (gg-num (gimp-image-get-item-position img new))
                 " mask=" (gg-num (gg-has-mask new))
                 (gg-geometry new))
      (gg-report "edit-whole-src" (gg-geometry src))
      (gg-export src "whole-src-after.png")
      (gg-export new "whole-new.png"))))

; --- grayscale image
(catch (gg-report "edit-gray" " error=1")
  (let* ((img (gg-load "gray.png"))
         (src (vector-ref (gimp-image-get-layers img) 0)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 60 50 120 90)
    (let ((new (gg-edit img (vector src) "add a cloud")))
      (gg-report "edit-gray"
                 " base=" (gg-num (gimp-image-get-base-type img))
                 " layers=" (gg-num (gg-n-layers img))
                 " mask=" (gg-num (gg-has-mask new))
                 " gray=" (if (gimp-drawable-is-gray new) "1" "0")
                 " alpha=" (if (gimp-drawable-has-alpha new) "1" "0")
                 (gg-geometry new))
      (gg-export new "gray-new.png"))))

; --- 16-bit and 32-bit float precision
(define (gg-precision-check name precision)
  (catch (gg-report name " error=1")
    (let* ((img (gg-load "texture.png"))
           (src (vector-ref (gimp-image-get-layers img) 0)))
      (gimp-image-convert-precision img precision)
      (gg-export src (string-append name "-src-before.png"))
      (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 200 150 100 80)
      (let ((new (gg-edit img (vector src) "add a yellow star")))
        (gg-report name
                   " precision=" (gg-num (gimp-image-get-precision img))
                   " layers=" (gg-num (gg-n-layers img))
                   " mask=" (gg-num (gg-has-mask new))
                   (gg-geometry new))
        (gg-export src (string-append name "-src-after.png"))
        (gg-export new (string-append name "-new.png"))))))
(gg-precision-check "edit-u16" PRECISION-U16-NON-LINEAR)
(gg-precision-check "edit-float" PRECISION-FLOAT-LINEAR)

; --- a layer with transparency, larger than the canvas
(catch (gg-report "edit-alpha-large" " error=1")
  (let* ((img (gimp-image-new 300 200 RGB))
         (src (gimp-file-load-layer RUN-NONINTERACTIVE img
                                    (string-append gg-in "/alpha.png"))))
    (gimp-image-insert-layer img src 0 0)
    (gimp-layer-set-offsets src -50 -40)
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 20 100 80)
    (let ((new (gg-edit img (vector src) "add a blue bird")))
      (gg-report "edit-alpha-large"
                 " layers=" (gg-num (gg-n-layers img))
                 " mask=" (gg-num (gg-has-mask new))
                 (gg-geometry new))
      (gg-report "edit-alpha-large-src" (gg-geometry src)))))

; --- several selected layers: one result, above the first
(catch (gg-report "edit-multi" " error=1")
  (let* ((img (gg-load "texture.png"))
         (bottom (vector-ref (gimp-image-get-layers img) 0))
         (top (gimp-layer-copy bottom)))
    (gimp-image-insert-layer img top 0 0)
    (gimp-selection-none img)
    (let ((new (gg-edit img (vector top bottom) "add rain")))
      (gg-report "edit-multi"
                 " layers=" (gg-num (gg-n-layers img))
                 " pos-new=" (gg-num (gimp-image-get-item-position img new))))))

; --- a layer group: its projection is sent
(catch (gg-report "edit-group" " error=1")
  (let* ((img (gg-load "texture.png"))
         (src (vector-ref (gimp-image-get-layers img) 0))
         (group (gimp-group-layer-new img "group")))
    (gimp-image-insert-layer img group 0 0)
    (gimp-image-reorder-item img src group 0)
    (gimp-selection-none img)
    (let ((new (gg-edit img (vector group) "make it sunset")))
      (gg-report "edit-group"
                 " layers=" (gg-num (gg-n-layers img))
                 (gg-geometry new)))))

;; The words of the error that @thunk raises, or #f when it raises none.
;; GIMP 3.0 prints a failed procedure's message on the console in batch
;; mode and GIMP 3.2 does not: the script catches it (through the
;; *error-hook* that catch itself relies on) and prints it itself.
(define (gg-error-words thunk)
  (let ((saved *error-hook*)
        (words #f))
    (call-with-current-continuation
      (lambda (k)
        (set! *error-hook*
              (lambda args
                (set! *error-hook* saved)
                (set! words (apply string-append
                                   (map (lambda (a) (if (string? a) a "")) args)))
                (k #f)))
        (thunk)
        (set! *error-hook* saved)))
    words))

; --- indexed: refused with a clear message, image untouched
(catch (gg-report "edit-indexed" " refused=1")
  (let* ((img (gg-load "texture.png"))
         (src (vector-ref (gimp-image-get-layers img) 0))
         (words (gg-error-words
                  (lambda ()
                    (gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE
                                                16 FALSE FALSE "")
                    (gg-edit img (vector src) "anything")))))
    (if words
        (begin
          (gg-report "edit-indexed" " refused=1")
          (gimp-message (string-append "GGT-ERROR edit-indexed " words)))
        (gg-report "edit-indexed" " refused=0"))))
