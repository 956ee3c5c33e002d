import { useQuery } from '@tanstack/react-query';
import { type MethodName, methods } from '../../../main/contract';
import { type Principal, mayCall } from '../../../main/contract/access';
import type { Me } from '../../../main/contract/auth';
import { q } from '../../api';

/** May `me` call `method`? The contract's rights read by roles (a password asked again still counts as may); the node checks again. */
export function mayByRoles(me: Me, method: MethodName): boolean {
  const principal: Principal = { ...me, kind: 'user', sessionId: '', stepUpAtMs: 0 };
  const refusal = mayCall(methods[method].rights, principal, 0);
  return refusal === null || refusal === 'STEP_UP_REQUIRED';
}

/** May the signed-in person call `method`? */
export function useMay(method: MethodName): boolean {
  const me = useQuery(q('auth.status', {})).data?.me;
  return me ? mayByRoles(me, method) : false;
}
