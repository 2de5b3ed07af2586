// Builds the server (dist/server/main.js) and the browser client (dist/public/).
// Type checking is done by `tsc --noEmit` before this runs (npm run build).
import { build } from "esbuild";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { selfieMetadata, withMetadata } from "./selfie-model.mjs";

await rm("dist", { recursive: true, force: true });
await mkdir("dist/public", { recursive: true });
await cp("public", "dist/public", { recursive: true });
// pdf.js for presentations, served from Treff's own origin (no CDN): its worker, and the fonts,
// character maps, colour profiles and image decoders it loads only when a PDF needs them.
const PDFJS = "node_modules/pdfjs-dist";
await cp(`${PDFJS}/build/pdf.worker.min.mjs`, "dist/public/pdfjs/pdf.worker.mjs");
for (const folder of ["cmaps", "standard_fonts", "iccs", "wasm"]) await cp(`${PDFJS}/${folder}`, `dist/public/pdfjs/${folder}`, { recursive: true });
// Background effects (src/client/effects/): the segmentation model and the WebAssembly that runs
// it, served from Treff's own origin like everything else (no CDN). Only the files the module
// worker loads: the SIMD build (every browser that has the breakable streams effects need has
// SIMD too) and the selfie segmentation model (with the metadata MediaPipe's tasks need: scripts/selfie-model.mjs).
await mkdir("dist/public/effects", { recursive: true });
for (const [from, to] of [
  ["node_modules/@mediapipe/tasks-vision/wasm/vision_wasm_module_internal.js", "vision_wasm_module_internal.js"],
  ["node_modules/@mediapipe/tasks-vision/wasm/vision_wasm_module_internal.wasm", "vision_wasm_module_internal.wasm"],
]) {
  await cp(from, `dist/public/effects/${to}`);
}
const selfieModel = await readFile("node_modules/@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite");
await writeFile("dist/public/effects/selfie_segmentation_landscape.tflite", withMetadata(selfieModel, selfieMetadata()));

await Promise.all([
  build({
    entryPoints: ["src/server/main.ts"],
    outfile: "dist/server/main.js",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  }),
  build({
    // The E2EE worker is a bundle of its own: it runs every media frame through src/client/e2ee/;
    // so is the effects worker (src/client/effects/), which alone carries MediaPipe's loader.
    entryPoints: {
      app: "src/client/main.ts",
      "e2ee-worker": "src/client/e2ee/worker.ts",
      "effects-worker": "src/client/effects/video-worker.ts",
      // The video consultation's pages (staff and patients): a bundle of their own, with the passkey library.
      consultation: "src/client/consultation/main.ts",
    },
    outdir: "dist/public",
    bundle: true,
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    format: "esm",
    // pdf.js (presentations) is a chunk of its own, loaded only when a presentation starts.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    minify: true,
    // No source maps for browsers: a served map would hand anyone the unminified client (and its
    // comments); developers read src/ instead.
    sourcemap: false,
    logLevel: "warning",
  }),
  build({
    // Noise suppression's AudioWorklet (src/client/audio/): one file with no imports of its own, since
    // a worklet cannot fetch; RNNoise's WebAssembly is inlined in it by @jitsi/rnnoise-wasm's sync build.
    entryPoints: { "noise-worklet": "src/client/audio/noise-worklet.ts" },
    outdir: "dist/public",
    bundle: true,
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    format: "esm",
    minify: true,
    sourcemap: false,
    logLevel: "warning",
  }),
]);
console.log("built dist/server and dist/public");
