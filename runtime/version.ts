// weir's version, written into savepoints (a test keeps it equal to package.json's).
export const WEIR_VERSION = '0.1.0';
