/**
 * Loaded before the unit tier (test/unit/.mocharc.json). With CI set, every fast-check property
 * runs from one fixed seed, so whether a submission lands does not depend on which random inputs a
 * run drew; runs on a developer's machine draw new seeds and keep finding new inputs (a failure
 * prints its seed and counterexample: add that input as a plain test beside the property).
 */
import * as fc from 'fast-check';

if (process.env.CI) {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 20261201 });
}
