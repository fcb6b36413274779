; gimp-gemini: "the whole change is one undo step", in real GIMP 2.10 with
; a display (run by tests/gimp/undo.py under Xvfb; gg-in, gg-out and
; gg-sync defined before loading; edit.scm's helpers are loaded first).
; Loads a picture into a window, gives the image and its layer a parasite,
; selects a rectangle, takes a snapshot, runs an edit, takes a second,
; asks the host to press Ctrl+Z once in the image window (the line
; GGT-UNDO-REQUEST; the host answers with the file gg-sync/undo-1.done)
; and takes a third.  A snapshot is "GGT-UNDO label|..." lines (the image,
; each layer with its geometry, mask, parasites; the selection) and each
; layer's and mask's pixels exported as PNG; the host compares them.

(define gg-part "undo")
(load (string-append gg-src "/tests/gimp2/edit.scm"))

(define (gg-undo-line label . parts)
  (gimp-message (apply string-append (cons "GGT-UNDO " (cons label parts)))))

(define (gg-undo-layer label i layer)
  (let ((mask (car (gimp-layer-get-mask layer)))
        (tag (string-append "undo-" label "-" (gg-num i))))
    (gg-undo-line label "|layer|" (gg-num i) "|" (car (gimp-item-get-name layer))
                  "|" (gg-geometry layer)
                  "|visible=" (gg-bool (car (gimp-item-get-visible layer)))
                  "|mask=" (if (> mask 0) "1" "0"))
    (gg-export layer (string-append tag ".png"))
    (if (> mask 0) (gg-export mask (string-append tag "-mask.png")))
    (for-each (lambda (p)
                (gg-undo-line label "|layer-parasite|" (gg-num i) "|" p "|"
                              (caddr (car (gimp-item-get-parasite layer p)))))
              (cadr (gimp-item-get-parasite-list layer)))))

(define (gg-undo-snapshot img label)
  (let* ((layers (cadr (gimp-image-get-layers img)))
         (n (vector-length layers))
         (b (gimp-selection-bounds img)))
    (gg-undo-line label "|image|" (gg-num (car (gimp-image-width img))) "x"
                  (gg-num (car (gimp-image-height img))) "|layers=" (gg-num n))
    (for-each (lambda (p)
                (gg-undo-line label "|image-parasite|" p "|"
                              (caddr (car (gimp-image-get-parasite img p)))))
              (cadr (gimp-image-get-parasite-list img)))
    (let loop ((i 0))
      (if (< i n)
          (begin (gg-undo-layer label i (vector-ref layers i))
                 (loop (+ i 1)))))
    (gg-undo-line label "|selection|" (gg-num (car b)) " " (gg-num (cadr b)) " "
                  (gg-num (caddr b)) " " (gg-num (cadddr b)) " " (gg-num (car (cddddr b))))
    (gg-undo-line label "|end")))

; Polls for the host's answer (each file-glob call is a plug-in run).
(define (gg-undo-wait path tries)
  (cond ((> (car (file-glob path 0)) 0) #t)
        ((= tries 0) (error "the host did not press Ctrl+Z"))
        (else (gg-undo-wait path (- tries 1)))))

(gg-check "undo"
  (let* ((img (gg-load "texture.png"))
         (layer (gg-layer img 0)))
    (gimp-display-new img)
    (gimp-image-attach-parasite img (list "gg-undo-image" 3 "image before the edit"))
    (gimp-item-attach-parasite layer (list "gg-undo-layer" 3 "layer before the edit"))
    (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 130 120 160 120)
    (gimp-displays-flush)
    (gg-undo-snapshot img "before")
    (gg-edit img layer "paint one undo step" FLASH)
    (gimp-displays-flush)
    (gg-undo-snapshot img "after-edit")
    (gimp-message "GGT-UNDO-REQUEST undo-1")
    (gg-undo-wait (string-append gg-sync "/undo-1.done") 3000)
    (gg-undo-snapshot img "after-undo")))
