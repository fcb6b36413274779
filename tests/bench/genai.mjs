// Peer 1 of the issue-7 benchmark: the documented usage of Google's official
// JavaScript SDK (@google/genai), pointed at the fake server by its base URL.
//   node genai.mjs MODEL SIZE RATIO OUT.png [INPUT.png]
// Environment: GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL, NODE_PATH-free: the
// script is run with its node_modules found through GENAI_DIR (see run.sh).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const [model, size, ratio, out, input] = process.argv.slice(2);
const dir = process.env.GENAI_DIR;             // the npm --prefix folder
const req = createRequire(path.join(dir, 'package.json'));
const { GoogleGenAI } = await import(req.resolve('@google/genai'));

const ai = new GoogleGenAI({
  apiKey: process.env.GEMINI_API_KEY,
  httpOptions: { baseUrl: process.env.GOOGLE_GEMINI_BASE_URL },
});

const parts = [{ text: input ? 'make it blue' : 'a red bicycle' }];
if (input) {
  parts.push({ inlineData: { mimeType: 'image/png',
                             data: fs.readFileSync(input).toString('base64') } });
}
const response = await ai.models.generateContent({
  model,
  contents: [{ role: 'user', parts }],
  config: {
    responseModalities: ['TEXT', 'IMAGE'],
    imageConfig: { aspectRatio: ratio, imageSize: size },
  },
});
let written = 0;
for (const part of response.candidates[0].content.parts) {
  if (part.text) {
    console.log(part.text);
  } else if (part.inlineData) {
    const buffer = Buffer.from(part.inlineData.data, 'base64');
    fs.writeFileSync(out, buffer);
    written++;
  }
}
if (!written) { console.error('no image'); process.exit(1); }
