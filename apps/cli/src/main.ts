#!/usr/bin/env node
import { RnnError } from '@deeprnn/core';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  // Our typed errors already say what was expected and what arrived; print them without a stack.
  if (e instanceof RnnError) {
    process.stderr.write(`deeprnn: ${e.name} (${e.code}): ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
