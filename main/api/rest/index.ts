import { authRoutes } from './auth';
import { chainRoutes } from './chain';
import { franchiseRoutes } from './franchise';
import { nodeRoutes } from './node';
import { salesRoutes } from './sales';
import { salesImportRoutes } from './sales-import';
import type { RestRoute } from './types';

/** Every route of the public REST surface, each a binding of a contract method (./types.ts). */
export const restRoutes: readonly RestRoute[] = [
  ...authRoutes,
  ...nodeRoutes,
  ...chainRoutes,
  ...salesRoutes,
  ...franchiseRoutes,
  ...salesImportRoutes,
];
