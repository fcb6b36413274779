#!/bin/sh
# edit-req.sh IMAGE.png: the REST request body of the benchmark's 4K edit on
# stdout, the image base64-encoded as the documentation's shell examples do
# (base64 -w0 inside a JSON template).  Used by run.sh for the curl peers.
printf '{"contents":[{"role":"user","parts":[{"text":"make it blue"},'
printf '{"inlineData":{"mimeType":"image/png","data":"'
base64 -w0 "$1"
printf '"}}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"],'
printf '"imageConfig":{"aspectRatio":"1:1","imageSize":"4K"}}}'
