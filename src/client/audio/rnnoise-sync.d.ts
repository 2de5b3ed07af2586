// @jitsi/rnnoise-wasm ships no types. Its synchronous build (the WebAssembly inlined, compiled
// with `new WebAssembly.Module`, no fetch and no eval) is the one that loads in an AudioWorklet.
declare module "@jitsi/rnnoise-wasm/dist/rnnoise-sync.js" {
  export interface RnnoiseModule {
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _rnnoise_create(model?: number): number;
    _rnnoise_destroy(state: number): void;
    /** Denoises 480 samples (16-bit range) from `input` into `output`; returns the chance of voice, 0..1. */
    _rnnoise_process_frame(state: number, output: number, input: number): number;
  }
  const createRNNWasmModuleSync: () => RnnoiseModule;
  export default createRNNWasmModuleSync;
}
