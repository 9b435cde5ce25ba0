export { readTypeScriptFile, type TsReadOptions } from './reader';
export { DEFAULT_TS_CALL_NAMES, type TsCallNames } from './callNames';
export { moduleIdOf, resolveImport } from './moduleScope';
