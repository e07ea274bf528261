// Redaction of secret-named keys in .env, YAML, JSON and Python.

import { describe, it } from 'vitest';
import { ENV_FILES, PYTHON, YAML_JSON } from './cases/assignments.js';
import { expectCategory } from './fixtures.js';

describe('redactSecrets', () => {
  it('redacts secret-named keys in .env files and shell exports', () => {
    expectCategory(ENV_FILES);
  });

  it('redacts secret-named keys in YAML and JSON', () => {
    expectCategory(YAML_JSON);
  });

  it('redacts secret literals in Python kwargs, dicts and assignments but not expressions', () => {
    expectCategory(PYTHON);
  });
});
