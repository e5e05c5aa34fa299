// Runs inside the fresh app: imports each package named on the command line by its main entry, the way
// a user's `import` would, and prints one JSON line per package (a missing file in a package's "files",
// or a dependency it forgot to declare, fails here and nowhere in the workspace).
//
//   node import-all.mjs @deeprnn/core @deeprnn/lm ...
for (const name of process.argv.slice(2)) {
  const line = { package: name };
  try {
    line.resolved = import.meta.resolve(name);
    line.exports = Object.keys(await import(name)).length;
    line.status = 'ok';
  } catch (e) {
    Object.assign(line, { status: 'error', error: String(e?.stack ?? e) });
  }
  console.log(JSON.stringify(line));
}
