import { describe, expect, it } from 'vitest';
import { AppError, RemoteError, serializeError } from '../../../main/common/errors';

class DemoError extends AppError<'BAD'> {
  override readonly name = 'DemoError';
}

describe('serializeError', () => {
  it('keeps name, code, message and plain data of our errors', () => {
    const e = serializeError(
      new DemoError('BAD', 'bad thing', { n: 1n, b: new Uint8Array([1, 255]), u: undefined }),
    );
    expect(e).toEqual({
      name: 'DemoError',
      code: 'BAD',
      message: 'bad thing',
      data: { n: '1', b: '0x01ff' },
    });
    const back = new RemoteError(e);
    expect(back.code).toBe('BAD');
    expect(back.name).toBe('DemoError');
  });
  it('turns foreign errors into INTERNAL', () => {
    expect(serializeError(new TypeError('x'))).toMatchObject({ code: 'INTERNAL', message: 'x' });
    expect(serializeError('s')).toMatchObject({ code: 'INTERNAL', message: 's' });
  });
});
