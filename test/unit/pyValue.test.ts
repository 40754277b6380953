import * as assert from 'node:assert/strict';
import { pyDict, pyInt, pyStr, pyTypeName, PY_NONE } from '../../server/src/core/python/pyValue';

describe('Python values', () => {
  it('name their Python type as Python error messages do', () => {
    assert.equal(pyTypeName(PY_NONE), 'NoneType');
    assert.equal(pyTypeName(pyInt(3)), 'int');
    assert.equal(pyTypeName(pyDict([['a', pyStr('b')]])), 'dict');
  });
});
