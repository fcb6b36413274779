; gimp-gemini: Script-Fu checks run in real GIMP 2.10 by tests/gimp2/run.sh
; (gimp-console-2.10 -i -b, Script-Fu's native 2.10 dialect: positional
; arguments, IDs, results as lists).
;
; run.sh defines gg-in, gg-out and gg-part before loading this file.  Each
; check reports "GGT name key=value ..." (and, for an error, one line
; "GGT-MSG name: sentence") through gimp-message, which the console handler
; prints; it exports the drawables to be judged as PNG;
; tests/gimp2/checks.py judges them on the host.  A check that throws
; reports "GGT name error=1" so that one failure does not hide the others.

(gimp-message-set-handler CONSOLE)

(define PRO "gemini-3-pro-image")
(define FLASH "gemini-2.5-flash-image")

(define (gg-num x) (number->string x))
(define (gg-report name . parts)
  (gimp-message (apply string-append (cons "GGT " (cons name parts)))))
(define (gg-path name) (string-append gg-out "/" name))
(define (gg-load name)
  (car (gimp-file-load RUN-NONINTERACTIVE (string-append gg-in "/" name) name)))
(define (gg-n-layers img) (car (gimp-image-get-layers img)))
(define (gg-layer img i) (vector-ref (cadr (gimp-image-get-layers img)) i))
(define (gg-bool b) (if (= b TRUE) "1" "0"))

; The last error's sentence, as the procedure gave it (after "failed: ").
(define gg-error "")
(define (gg-after-failed text)
  (let loop ((i 0))
    (cond ((> (+ i 8) (string-length text)) text)
          ((string=? (substring text i (+ i 8)) "failed: ")
           (substring text (+ i 8) (string-length text)))
          (else (loop (+ i 1))))))
; Runs thunk; #f (and gg-error set) when it raised.
(define (gg-try thunk)
  (call/cc
    (lambda (k)
      (let ((old *error-hook*))
        (set! *error-hook*
              (lambda args
                (set! *error-hook* old)
                (set! gg-error (if (and (pair? args) (string? (car args)))
                                   (gg-after-failed (car args)) "?"))
                (k #f)))
        (let ((r (thunk)))
          (set! *error-hook* old)
          r)))))
(define-macro (gg-check name . body)
  `(if (not (gg-try (lambda () ,@body #t)))
       (begin (gg-report ,name " error=1")
              (gimp-message (string-append "GGT-MSG " ,name ": " gg-error)))))

; One drawable (layer or mask) alone in a new image, as PNG.
(define (gg-export drawable name)
  (let* ((w (car (gimp-drawable-width drawable)))
         (h (car (gimp-drawable-height drawable)))
         (img (car (gimp-image-new w h RGB)))
         (layer (car (gimp-layer-new-from-drawable drawable img))))
    (gimp-image-insert-layer img layer 0 0)
    (gimp-layer-set-offsets layer 0 0)
    (gimp-file-save RUN-NONINTERACTIVE img layer (gg-path name) name)
    (gimp-image-delete img)))

(define (gg-geometry drawable)
  (let ((off (gimp-drawable-offsets drawable)))
    (string-append " x=" (gg-num (car off)) " y=" (gg-num (cadr off))
                   " w=" (gg-num (car (gimp-drawable-width drawable)))
                   " h=" (gg-num (car (gimp-drawable-height drawable))))))

(define (gg-has-mask layer)
  (if (> (car (gimp-layer-get-mask layer)) 0) "1" "0"))

; Positional, as 2.10 scripts call it: run mode, image, drawable, prompt,
; model, aspect-ratio, image-size, image-only, context-px, context-pct,
; source, search, thought-layers, variations, num-references, references,
; reference-roles, num-reference-files, reference-files (a list of strings),
; reference-file-roles, then the mask: grow, feather, changed-only, hint.
; gg-edit: the mask's defaults (grow 4, feather -1: auto).
(define (gg-edit-mask img drawable prompt model grow feather)
  (car (plug-in-gemini-edit RUN-NONINTERACTIVE img drawable prompt model "" ""
                            FALSE 32 15 0 FALSE FALSE 1 0 #() "" 0 '() ""
                            grow feather FALSE FALSE)))
(define (gg-edit img drawable prompt model)
  (gg-edit-mask img drawable prompt model 4 -1))

; A parasite's text, "" when there is none (the lookup raises then; the
; last error's sentence is kept).
(define (gg-stored img name)
  (let* ((saved gg-error)
         (p (gg-try (lambda () (gimp-image-get-parasite img name)))))
    (set! gg-error saved)
    (if p (caddr (car p)) "")))

; ===================================================================== main
(define (gg-main)

; --- generate: a new image at the model's dimensions (2.5 Flash 16:9: 1344x768)
(gg-check "generate"
  (let* ((result (plug-in-gemini-generate RUN-NONINTERACTIVE -1
                                          "a lighthouse at dusk" FLASH "16:9" ""
                                          FALSE FALSE FALSE 1 0 #() "" 0 '() "" FALSE))
         (img (car result))
         (layer (cadr result)))
    (gg-report "generate"
               " w=" (gg-num (car (gimp-image-width img)))
               " h=" (gg-num (car (gimp-image-height img)))
               " layers=" (gg-num (gg-n-layers img))
               " undo=" (gg-bool (car (gimp-image-undo-is-enabled img)))
               " conversation=" (if (> (string-length (gg-stored img "gemini-conversation")) 0) "1" "0"))
    (gg-export layer "generate.png")))

; --- generate as a layer of an existing image
(gg-check "generate-as-layer"
  (let* ((img (gg-load "texture.png"))
         (before (gg-n-layers img))
         (result (plug-in-gemini-generate RUN-NONINTERACTIVE img
                                          "a small red boat" "" "1:1" ""
                                          FALSE FALSE FALSE 1 0 #() "" 0 '() "" TRUE))
         (layer (cadr result)))
    (gg-report "generate-as-layer"
               " before=" (gg-num before)
               " layers=" (gg-num (gg-n-layers img))
               " same-image=" (if (= (car result) img) "1" "0")
               (gg-geometry layer))))

; --- edit a rectangular selection of a layer offset inside a larger canvas,
; with 3 Pro (signed answers), saved for the refines
(gg-check "edit-selection"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0)))
    (gimp-image-resize img 640 480 30 20)
    (gg-export src "sel-src-before.png")
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 130 120 160 120)
    ; grow 0, feather 0: the mask is the selection itself.
    (let ((new (gg-edit-mask img src "add a red balloon" PRO 0 0)))
      (gg-report "edit-selection"
                 " layers=" (gg-num (gg-n-layers img))
                 " pos-new=" (gg-num (car (gimp-image-get-item-position img new)))
                 " pos-src=" (gg-num (car (gimp-image-get-item-position img src)))
                 " mask=" (gg-has-mask new)
                 " gray=" (gg-bool (car (gimp-drawable-is-gray new)))
                 " alpha=" (gg-bool (car (gimp-drawable-has-alpha new)))
                 " undo=" (gg-bool (car (gimp-image-undo-is-enabled img)))
                 (gg-geometry new))
      (gg-report "edit-selection-src" (gg-geometry src))
      (gg-export src "sel-src-after.png")
      (gg-export new "sel-new.png")
      (gg-export (car (gimp-layer-get-mask new)) "sel-mask.png")
      ; One undo step holds the whole edit: undoing it removes the layer.
      (gimp-xcf-save 0 img new (gg-path "edit-selection.xcf") "edit-selection.xcf")
      (gimp-message (string-append "GGT-PLACE edit-selection: "
                                   (gg-stored img "gemini-conversation-place"))))))

; --- the same selection with the mask's defaults (grow 4, feather auto):
; 0 outside the selection grown by 4 px, 255 well inside it
(gg-check "edit-mask-default"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0)))
    (gimp-image-resize img 640 480 30 20)
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 130 120 160 120)
    (let ((new (gg-edit img src "add a green balloon" FLASH)))
      (gg-report "edit-mask-default"
                 " mask=" (gg-has-mask new)
                 (gg-geometry new))
      (gg-export (car (gimp-layer-get-mask new)) "sel-mask-default.png")
      (gimp-image-delete img))))

; --- refine: reopen the edit's .xcf and continue its conversation
(gg-check "sf-refine"
  (let* ((img (car (gimp-xcf-load 0 (gg-path "edit-selection.xcf") "edit-selection.xcf")))
         (before (gg-n-layers img))
         (top (gg-layer img 0))
         (new (car (plug-in-gemini-refine RUN-NONINTERACTIVE img top
                                          "make the balloon yellow" "" "" ""
                                          FALSE FALSE FALSE 1 0 #() "" 0 '() "" FALSE 4 -1 FALSE FALSE))))
    (gg-report "sf-refine"
               " before=" (gg-num before)
               " layers=" (gg-num (gg-n-layers img))
               " pos-new=" (gg-num (car (gimp-image-get-item-position img new)))
               " mask=" (gg-has-mask new)
               (gg-geometry new))
    (gg-report "sf-refine-first" (gg-geometry top))
    (gimp-xcf-save 0 img new (gg-path "refined.xcf") "refined.xcf")))

; --- references and style transfer, positional
(gg-check "sf-references"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (other (gg-load "gray.png"))
         (ref (gg-layer other 0))
         (edited (car (plug-in-gemini-edit RUN-NONINTERACTIVE img src "add a cat"
                                           "" "" "" FALSE 32 15 0 FALSE FALSE 1
                                           1 (vector ref) "subject" 0 '() "" 4 -1 FALSE FALSE)))
         (styled (car (plug-in-gemini-style-transfer RUN-NONINTERACTIVE img src ref ""
                                                     "" "" "" "" FALSE 32 15 0
                                                     FALSE FALSE 1 4 -1 FALSE FALSE))))
    (gg-report "sf-references"
               " layers=" (gg-num (gg-n-layers img))
               " pos-styled=" (gg-num (car (gimp-image-get-item-position img styled)))
               " pos-edited=" (gg-num (car (gimp-image-get-item-position img edited))))
    (gimp-image-delete other)
    (gimp-image-delete img)))

; --- variations: a group named after the prompt, one layer each
(gg-check "sf-variations"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (group (car (plug-in-gemini-edit RUN-NONINTERACTIVE img src "add a kite"
                                          "" "" "" FALSE 32 15 0 FALSE FALSE 2
                                          0 #() "" 0 '() "" 4 -1 FALSE FALSE))))
    (gg-report "sf-variations"
               " layers=" (gg-num (gg-n-layers img))
               " group=" (gg-bool (car (gimp-item-is-group group)))
               " children=" (gg-num (car (gimp-item-get-children group))))
    (gimp-image-delete img)))

; --- edit with nothing selected: the result covers the layer
(gg-check "edit-whole"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0)))
    (gimp-image-resize img 600 500 40 50)
    (gimp-selection-none img)
    (gg-export src "whole-src-before.png")
    (let ((new (gg-edit img src "make it look like winter" "")))
      (gg-report "edit-whole"
                 " layers=" (gg-num (gg-n-layers img))
                 " pos-new=" (gg-num (car (gimp-image-get-item-position img new)))
                 " mask=" (gg-has-mask new)
                 (gg-geometry new))
      (gg-report "edit-whole-src" (gg-geometry src))
      (gg-export src "whole-src-after.png"))))

; --- grayscale image
(gg-check "edit-gray"
  (let* ((img (gg-load "gray.png"))
         (src (gg-layer img 0)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 60 50 120 90)
    (let ((new (gg-edit img src "add a cloud" "")))
      (gg-report "edit-gray"
                 " base=" (gg-num (car (gimp-image-base-type img)))
                 " layers=" (gg-num (gg-n-layers img))
                 " mask=" (gg-has-mask new)
                 " gray=" (gg-bool (car (gimp-drawable-is-gray new)))
                 " alpha=" (gg-bool (car (gimp-drawable-has-alpha new)))
                 (gg-geometry new)))))

; --- 16-bit and 32-bit float precision (through GEGL buffers)
(define (gg-precision-check name precision)
  (gg-check name
    (let* ((img (gg-load "texture.png"))
           (src (gg-layer img 0)))
      (gimp-image-convert-precision img precision)
      (gg-export src (string-append name "-src-before.png"))
      (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 200 150 100 80)
      (let ((new (gg-edit img src "add a yellow star" "")))
        (gg-report name
                   " precision=" (gg-num (car (gimp-image-get-precision img)))
                   " layers=" (gg-num (gg-n-layers img))
                   " mask=" (gg-has-mask new)
                   (gg-geometry new))
        (gg-export src (string-append name "-src-after.png"))
        (gg-export new (string-append name "-new.png"))))))
(gg-precision-check "edit-u16" PRECISION-U16-GAMMA)
(gg-precision-check "edit-float" PRECISION-FLOAT-LINEAR)

; --- a layer with transparency, larger than the canvas
(gg-check "edit-alpha-large"
  (let* ((img (car (gimp-image-new 300 200 RGB)))
         (src (car (gimp-file-load-layer RUN-NONINTERACTIVE img
                                         (string-append gg-in "/alpha.png")))))
    (gimp-image-insert-layer img src 0 0)
    (gimp-layer-set-offsets src -50 -40)
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 20 100 80)
    (let ((new (gg-edit img src "add a blue bird" "")))
      (gg-report "edit-alpha-large"
                 " layers=" (gg-num (gg-n-layers img))
                 " mask=" (gg-has-mask new)
                 (gg-geometry new))
      (gg-report "edit-alpha-large-src" (gg-geometry src)))))

; --- a layer group: its projection is sent
(gg-check "edit-group"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (group (car (gimp-layer-group-new img))))
    (gimp-image-insert-layer img group 0 0)
    (gimp-image-reorder-item img src group 0)
    (gimp-selection-none img)
    (let ((new (gg-edit img group "make it sunset" "")))
      (gg-report "edit-group"
                 " layers=" (gg-num (gg-n-layers img))
                 (gg-geometry new)))))

; --- indexed: refused with a sentence, image untouched
(let* ((img (gg-load "texture.png"))
       (src (gg-layer img 0)))
  (gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE
                              16 FALSE FALSE "")
  (let ((r (gg-try (lambda () (gg-edit img src "anything" "")))))
    (gg-report "edit-indexed" " refused=" (if r "0" "1")
               " layers=" (gg-num (gg-n-layers img)))
    (gimp-message (string-append "GGT-MSG edit-indexed: " gg-error))))

; --- start over forgets the conversation; refine then says so
(gg-check "start-over"
  (let* ((img (car (gimp-xcf-load 0 (gg-path "edit-selection.xcf") "edit-selection.xcf")))
         (had (string-length (gg-stored img "gemini-conversation"))))
    (plug-in-gemini-forget-conversation RUN-NONINTERACTIVE img -1)
    (let ((r (gg-try (lambda () (plug-in-gemini-refine RUN-NONINTERACTIVE img -1 "again"
                                                       "" "" "" FALSE FALSE FALSE 1
                                                       0 #() "" 0 '() "" FALSE 4 -1 FALSE FALSE)))))
      (gg-report "start-over"
                 " had=" (if (> had 0) "1" "0")
                 " left=" (gg-num (string-length (gg-stored img "gemini-conversation")))
                 " refused=" (if r "0" "1"))
      (gimp-message (string-append "GGT-MSG start-over: " gg-error)))))

; --- reference files: a path and a URI, each with its role, after the layer
(gg-check "ref-files"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (new (car (plug-in-gemini-edit RUN-NONINTERACTIVE img src "add a lighthouse"
                                        PRO "" "" FALSE 32 15 0 FALSE FALSE 1 0 #() ""
                                        2 (list (string-append gg-in "/gray.png")
                                                (string-append "file://" gg-in "/alpha.png"))
                                        "subject,style" 4 -1 FALSE FALSE))))
    (gg-report "ref-files"
               " layers=" (gg-num (gg-n-layers img))
               " pos-new=" (gg-num (car (gimp-image-get-item-position img new))))
    (gimp-image-delete img)))

; --- generate with a reference file, then refine that image with another
(gg-check "ref-files-generate"
  (let* ((result (plug-in-gemini-generate RUN-NONINTERACTIVE -1 "a tower like this one"
                                          FLASH "1:1" "" FALSE FALSE FALSE 1 0 #() ""
                                          1 (list (string-append gg-in "/texture.png"))
                                          "composition" FALSE))
         (img (car result))
         (before (gg-n-layers img))
         (new (car (plug-in-gemini-refine RUN-NONINTERACTIVE img -1 "give it this person"
                                          "" "" "" FALSE FALSE FALSE 1 0 #() ""
                                          1 (list (string-append gg-in "/gray.png"))
                                          "person" FALSE 4 -1 FALSE FALSE))))
    (gg-report "ref-files-generate"
               " before=" (gg-num before)
               " layers=" (gg-num (gg-n-layers img)))))

; --- over the model's limit (2.5 Flash: 3 images, the edited one included):
; refused before anything is sent
(gg-check "ref-files-limit"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (other (gg-load "gray.png"))
         (before (gg-n-layers img))
         (r (gg-try (lambda ()
                      (plug-in-gemini-edit RUN-NONINTERACTIVE img src "too many kites"
                                           FLASH "" "" FALSE 32 15 0 FALSE FALSE 1
                                           1 (vector (gg-layer other 0)) "object"
                                           2 (list (string-append gg-in "/gray.png")
                                                   (string-append gg-in "/alpha.png"))
                                           "" 4 -1 FALSE FALSE)))))
    (gg-report "ref-files-limit" " refused=" (if r "0" "1")
               " before=" (gg-num before) " layers=" (gg-num (gg-n-layers img)))
    (gimp-message (string-append "GGT-MSG ref-files-limit: " gg-error))
    (gimp-image-delete other)
    (gimp-image-delete img)))

; --- a missing file: a sentence naming it, the image as it was
(gg-check "ref-file-missing"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (before (gg-n-layers img)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 100 100 120 90)
    (gg-export src "missing-before.png")
    (let ((r (gg-try (lambda ()
                       (plug-in-gemini-edit RUN-NONINTERACTIVE img src "a missing kite"
                                            "" "" "" FALSE 32 15 0 FALSE FALSE 1 0 #() ""
                                            1 (list (string-append gg-in "/no-such-picture.png"))
                                            "style" 4 -1 FALSE FALSE)))))
      (gg-report "ref-file-missing" " refused=" (if r "0" "1")
                 " before=" (gg-num before) " layers=" (gg-num (gg-n-layers img))
                 " undo=" (gg-bool (car (gimp-image-undo-is-enabled img)))
                 " conversation=" (gg-num (string-length (gg-stored img "gemini-conversation"))))
      (gimp-message (string-append "GGT-MSG ref-file-missing: " gg-error))
      (gg-export src "missing-after.png")
      (gimp-image-delete img))))

; --- style transfer from a file (no style layer: -1)
(gg-check "style-file"
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (new (car (plug-in-gemini-style-transfer RUN-NONINTERACTIVE img src -1
                                                  (string-append gg-in "/alpha.png")
                                                  "in the style of the file" "" "" ""
                                                  FALSE 32 15 0 FALSE FALSE 1 4 -1 FALSE FALSE))))
    (gg-report "style-file"
               " layers=" (gg-num (gg-n-layers img))
               " pos-new=" (gg-num (car (gimp-image-get-item-position img new))))
    (gimp-image-delete img)))

; --- compose: the active layer and those linked to it (2.10's multiple
; selection), plus a file; then named layers into a new image
(gg-check "compose-linked"
  (let* ((img (gg-load "texture.png"))
         (base (gg-layer img 0))
         (gray (car (gimp-file-load-layer RUN-NONINTERACTIVE img
                                          (string-append gg-in "/gray.png"))))
         (alpha (car (gimp-file-load-layer RUN-NONINTERACTIVE img
                                           (string-append gg-in "/alpha.png")))))
    (gimp-image-insert-layer img gray 0 0)
    (gimp-image-insert-layer img alpha 0 0)   ; on top, not linked
    (gimp-item-set-linked base TRUE)
    (gimp-item-set-linked gray TRUE)
    (let* ((before (gg-n-layers img))
           (result (plug-in-gemini-compose RUN-NONINTERACTIVE img base
                                           "the cat of one on the field of the other"
                                           0 #() "subject,composition"
                                           1 (list (string-append gg-in "/alpha.png")) "style"
                                           PRO "" "" FALSE FALSE FALSE 1 TRUE))
           (new (cadr result)))
      (gg-report "compose-linked"
                 " before=" (gg-num before)
                 " layers=" (gg-num (gg-n-layers img))
                 " same-image=" (if (= (car result) img) "1" "0")
                 " pos-new=" (gg-num (car (gimp-image-get-item-position img new)))))
    (let* ((result (plug-in-gemini-compose RUN-NONINTERACTIVE img base
                                           "these two side by side"
                                           2 (vector alpha gray) "object"
                                           0 '() "" "" "" "" FALSE FALSE FALSE 1 FALSE))
           (other (car result)))
      (gg-report "compose-new"
                 " new-image=" (if (= other img) "0" "1")
                 " layers=" (gg-num (gg-n-layers other))))
    (gimp-image-delete img)))
)

; ===================================================================== errors
; The fake server answers from a queue: ok (warm-up), error_429_zero,
; blocked, text_only.  Each failed edit leaves the image as it was.
(define (gg-error-check name)
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 100 100 120 90)
    (gg-export src (string-append name "-before.png"))
    (let* ((before (gg-n-layers img))
           (r (gg-try (lambda () (gg-edit img src "a red kite" "")))))
      (gg-report name
                 " failed=" (if r "0" "1")
                 " before=" (gg-num before)
                 " layers=" (gg-num (gg-n-layers img))
                 " undo=" (gg-bool (car (gimp-image-undo-is-enabled img)))
                 " conversation=" (gg-num (string-length (gg-stored img "gemini-conversation"))))
      (gimp-message (string-append "GGT-MSG " name ": " gg-error))
      (gg-export src (string-append name "-after.png"))
      (gimp-image-delete img))))

(define (gg-errors)
  (gg-check "warm-up"
    (plug-in-gemini-generate RUN-NONINTERACTIVE -1 "warm up" FLASH "1:1" ""
                             FALSE FALSE FALSE 1 0 #() "" 0 '() "" FALSE))
  (gg-error-check "error-429-zero")
  (gg-error-check "error-blocked")
  (gg-error-check "error-text-only"))

; ===================================================================== keys
; Without GEMINI_API_KEY: the sentence, nothing added; set-key refused
; non-interactively; a key in the profile's file is used; forget removes it.
(define (gg-keys)
  (let ((r (gg-try (lambda ()
                     (plug-in-gemini-generate RUN-NONINTERACTIVE -1 "a boat" FLASH
                                              "1:1" "" FALSE FALSE FALSE 1 0 #()
                                              "" 0 '() "" FALSE)))))
    (gg-report "no-key-generate" " failed=" (if r "0" "1"))
    (gimp-message (string-append "GGT-MSG no-key-generate: " gg-error)))
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (r (gg-try (lambda () (gg-edit img src "a boat" "")))))
    (gg-report "no-key-edit" " failed=" (if r "0" "1")
               " layers=" (gg-num (gg-n-layers img)))
    (gimp-message (string-append "GGT-MSG no-key-edit: " gg-error)))
  (let ((r (gg-try (lambda () (plug-in-gemini-set-key RUN-NONINTERACTIVE)))))
    (gg-report "set-key-noninteractive" " failed=" (if r "0" "1"))
    (gimp-message (string-append "GGT-MSG set-key-noninteractive: " gg-error))))

; run.sh has written the key into the profile's file before this run.
(define (gg-key-file)
  (let ((r (gg-try (lambda ()
                     (plug-in-gemini-generate RUN-NONINTERACTIVE -1 "a boat" FLASH
                                              "1:1" "" FALSE FALSE FALSE 1 0 #()
                                              "" 0 '() "" FALSE)))))
    (gg-report "key-file" " ok=" (if r "1" "0"))
    (gimp-message (string-append "GGT-MSG key-file: " gg-error)))
  (let ((r (gg-try (lambda () (plug-in-gemini-forget-key RUN-NONINTERACTIVE)))))
    (gg-report "forget-key" " ok=" (if r "1" "0")))
  (let ((r (gg-try (lambda ()
                     (plug-in-gemini-generate RUN-NONINTERACTIVE -1 "a boat" FLASH
                                              "1:1" "" FALSE FALSE FALSE 1 0 #()
                                              "" 0 '() "" FALSE)))))
    (gg-report "after-forget" " failed=" (if r "0" "1"))
    (gimp-message (string-append "GGT-MSG after-forget: " gg-error))))

; ===================================================================== recovery
; GIMP_GEMINI_TEST_FAIL_PLACE=1: placement fails after the first layer was
; added; the layer is removed and the paid answer saved.
(define (gg-recovery)
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 100 100 120 90)
    (gg-export src "recovery-before.png")
    (let* ((before (gg-n-layers img))
           (r (gg-try (lambda () (gg-edit img src "a red kite" "")))))
      (gg-report "recovery-edit"
                 " failed=" (if r "0" "1")
                 " before=" (gg-num before)
                 " layers=" (gg-num (gg-n-layers img))
                 " undo=" (gg-bool (car (gimp-image-undo-is-enabled img))))
      (gimp-message (string-append "GGT-MSG recovery-edit: " gg-error))
      (gg-export src "recovery-after.png"))))

(cond ((string=? gg-part "main") (gg-main))
      ((string=? gg-part "errors") (gg-errors))
      ((string=? gg-part "keys") (gg-keys))
      ((string=? gg-part "key-file") (gg-key-file))
      ((string=? gg-part "recovery") (gg-recovery)))

; ===================================================================== back
; GIMP 3 refined 2.10's .xcf (cross3.xcf): 2.10 continues that conversation.
(define (gg-back)
  (gg-check "back-refine"
    (let* ((img (car (gimp-xcf-load 0 (gg-path "cross3.xcf") "cross3.xcf")))
           (before (gg-n-layers img))
           (top (gg-layer img 0))
           (new (car (plug-in-gemini-refine RUN-NONINTERACTIVE img top
                                            "and a blue sky" "" "" ""
                                            FALSE FALSE FALSE 1 0 #() "" 0 '() "" FALSE 4 -1 FALSE FALSE))))
      (gg-report "back-refine"
                 " before=" (gg-num before)
                 " layers=" (gg-num (gg-n-layers img))
                 " mask=" (gg-has-mask new)
                 (gg-geometry new))
      (gg-report "back-refine-top" (gg-geometry top)))))
(if (string=? gg-part "back") (gg-back))

; ===================================================================== fr
; run.sh runs this part with LANGUAGE=fr: the plug-in's sentences come from
; the same po/fr.po as GIMP 3's.
(define (gg-fr)
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0))
         (r (gg-try (lambda ()
                      (plug-in-gemini-edit RUN-NONINTERACTIVE img src "un cerf-volant"
                                           "" "" "" FALSE 32 15 0 FALSE FALSE 1 0 #() ""
                                           1 (list (string-append gg-in "/absent.png"))
                                           "" 4 -1 FALSE FALSE)))))
    (gg-report "fr-missing" " refused=" (if r "0" "1")
               " layers=" (gg-num (gg-n-layers img)))
    (gimp-message (string-append "GGT-MSG fr-missing: " gg-error))))
(if (string=? gg-part "fr") (gg-fr))

; ===================================================================== cancel
; The server thinks for 20 s; run.sh's killer ends the plug-in 2 s in, as
; GIMP does when its progress is cancelled.  The image stays as it was, and
; the next edit in the same GIMP works.
(define (gg-cancel)
  (let* ((img (gg-load "texture.png"))
         (src (gg-layer img 0)))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 100 100 120 90)
    (gg-export src "cancel-before.png")
    (let* ((before (gg-n-layers img))
           (r (gg-try (lambda () (gg-edit img src "a slow kite" "")))))
      (gg-report "cancel-edit"
                 " failed=" (if r "0" "1")
                 " before=" (gg-num before)
                 " layers=" (gg-num (gg-n-layers img))
                 " undo=" (gg-bool (car (gimp-image-undo-is-enabled img)))
                 " conversation=" (gg-num (string-length (gg-stored img "gemini-conversation"))))
      (gimp-message (string-append "GGT-MSG cancel-edit: " gg-error))
      (gg-export src "cancel-after.png")
      (gimp-image-delete img)))
  (gg-check "cancel-next"
    (let* ((img (gg-load "texture.png"))
           (src (gg-layer img 0))
           (new (gg-edit img src "a quick kite" "")))
      (gg-report "cancel-next" " layers=" (gg-num (gg-n-layers img))))))
(if (string=? gg-part "cancel") (gg-cancel))
