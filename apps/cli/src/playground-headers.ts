import { extname } from 'node:path';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

/** The content type of a served file, by its extension; unknown ones are opaque bytes. */
export function contentType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The content type of plain text: the corpus and every error answer. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * Headers on every answer, errors included. Cross-origin isolation (COOP/COEP/CORP) lets the page use
 * SharedArrayBuffer for multi-threaded wasm in tfjs and onnxruntime-web; nosniff stops a browser from
 * running a served file as a type other than the one declared.
 */
export const SAFETY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};
