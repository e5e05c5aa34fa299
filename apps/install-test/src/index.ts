export { type AppOutput, runJsonLines } from './app-process.js';
export {
  BACKENDS,
  type BackendLine,
  type BackendName,
  type CheckRun,
  type ImportLine,
  checkBackends,
  importAll,
} from './backend-check.js';
export { APP_SCRIPTS, SKIP_ORT_DOWNLOAD, installFreshApp } from './fresh-app.js';
export { type NpmResult, runNpm, tail, userEnv } from './npm-command.js';
export { type PackedTarball, packWorkspaces } from './pack.js';
export { type Publishable, lockedVersion, publishableWorkspaces } from './publishable.js';
