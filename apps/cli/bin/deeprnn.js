#!/usr/bin/env node
// Committed launcher, so npm links the `deeprnn` bin at install time, before dist/ is built.
import '../dist/main.js';
