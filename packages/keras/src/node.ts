/**
 * The Node entry of @deeprnn/keras: everything in the main entry plus reading and writing model files.
 *
 * @packageDocumentation
 */
export * from './index.js';
export { readKerasModel, readTfjsLayersModel, writeTfjsLayersModel } from './node-files.js';
