// Runtime helpers that generated expression code calls as `F.name(...)`, assembled from this folder's files.
// Platform-neutral: files in this folder MUST NOT import Node modules (it also runs in a browser Web Worker).
import {
  castError,
  decimalToString,
  doubleToString,
  stringToBoolean,
  stringToDate,
  stringToDecimal,
  stringToDouble,
  stringToInteger,
  stringToTimestamp,
  truncate,
  truncateTimestamp,
} from './casts';
import { dateFormatter, dateToString, timestampToString } from './date-format';
import { LIKE, likePlan } from './like';
import { divisionByZero, ROUND } from './numbers';
import { regex, REGEXP_EXTRACT, regexpExtractWith } from './regexp';
import { SPLIT_INDEX, SUBSTRING, TRIM } from './strings';
import {
  DATE_FORMAT,
  DATE_FORMAT_STRING,
  DAYOFMONTH,
  HOUR,
  MINUTE,
  MONTH,
  SECOND,
  TO_TIMESTAMP,
  TO_TIMESTAMP_LTZ,
  YEAR,
} from './time';
import { parseDate, parseTimestamp, timestampParser } from './timestamp-parse';

import * as json from './json-functions';
import * as more from './more-functions';

export { daysFromCivil } from './calendar';
export type { LikePlan } from './like';
export {
  castError,
  DATE_FORMAT,
  DATE_FORMAT_STRING,
  dateFormatter,
  dateToString,
  DAYOFMONTH,
  decimalToString,
  divisionByZero,
  doubleToString,
  HOUR,
  LIKE,
  likePlan,
  MINUTE,
  MONTH,
  parseDate,
  parseTimestamp,
  regex,
  REGEXP_EXTRACT,
  regexpExtractWith,
  ROUND,
  SECOND,
  SPLIT_INDEX,
  stringToBoolean,
  stringToDate,
  stringToDecimal,
  stringToDouble,
  stringToInteger,
  stringToTimestamp,
  SUBSTRING,
  timestampParser,
  timestampToString,
  TO_TIMESTAMP,
  TO_TIMESTAMP_LTZ,
  TRIM,
  truncate,
  truncateTimestamp,
  YEAR,
};

/** Processing time source for PROCTIME() and CURRENT_TIMESTAMP; tests replace `builtins.clock`. */
export interface Clock {
  readonly now: () => number;
}

/**
 * Everything generated code reaches as `F`. `clock` is settable:
 * `builtins.clock = { now: () => 1_700_000_000_000 }` fixes PROCTIME() in a test.
 */
export const builtins = {
  clock: { now: () => Date.now() } as Clock,
  divisionByZero,
  castError,
  stringToInteger,
  stringToDouble,
  stringToDecimal,
  stringToBoolean,
  stringToTimestamp,
  stringToDate,
  doubleToString,
  decimalToString,
  timestampToString,
  dateToString,
  truncate,
  truncateTimestamp,
  dateFormatter,
  timestampParser,
  likePlan,
  LIKE,
  regex,
  regexpExtractWith,
  REGEXP_EXTRACT,
  SPLIT_INDEX,
  SUBSTRING,
  TRIM,
  ROUND,
  YEAR,
  MONTH,
  DAYOFMONTH,
  HOUR,
  MINUTE,
  SECOND,
  DATE_FORMAT,
  DATE_FORMAT_STRING,
  TO_TIMESTAMP,
  TO_TIMESTAMP_LTZ,
  ...more,
  ...json,
};

export type Builtins = typeof builtins;
