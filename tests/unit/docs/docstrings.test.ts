import { describe, expect, it } from 'vitest';
import { findDocstring } from '../../../src/docs/docstrings.js';

const files = new Map([
  [
    'fastapi/param_functions.py',
    [
      'def Depends(  # noqa: N802',
      '    dependency: Annotated[',
      '        Callable | None,',
      '        Doc(',
      '            """',
      '            A "dependable" callable.',
      '            """',
      '        ),',
      '    ] = None,',
      ') -> Any:',
      '    """',
      '    Declare a FastAPI dependency.',
      '',
      '    ## Example',
      '    """',
      '    return params.Depends(dependency=dependency)',
    ].join('\n'),
  ],
  [
    'fastapi/security/oauth2.py',
    'class OAuth2PasswordBearer(OAuth2):\n    """OAuth2 flow for a bearer token."""\n',
  ],
  ['fastapi/applications.py', 'class FastAPI(Starlette):\n    def __init__(self):\n        pass\n'],
]);

describe('findDocstring', () => {
  it('reads the docstring after a multi-line signature full of Doc() strings', () => {
    expect(findDocstring(files, 'fastapi.Depends')).toBe('Declare a FastAPI dependency.\n\n## Example');
  });

  it('finds classes in sub-packages and one-line docstrings', () => {
    expect(findDocstring(files, 'fastapi.security.OAuth2PasswordBearer')).toBe(
      'OAuth2 flow for a bearer token.',
    );
  });

  it('gives up on objects without a docstring or outside the package', () => {
    expect(findDocstring(files, 'fastapi.FastAPI')).toBeUndefined();
    expect(findDocstring(files, 'fastapi.Request')).toBeUndefined();
    expect(findDocstring(files, 'starlette.Request')).toBeUndefined();
  });
});
