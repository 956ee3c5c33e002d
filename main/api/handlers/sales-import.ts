import type { Handlers } from '../../contract';
import type { salesImportMethods } from '../../contract/sales-import';
import type { SalesImportService } from '../../sales/import/import-service';

/** What the import handlers use. */
export interface SalesImportHandlersDeps {
  imports: Pick<SalesImportService, 'preview' | 'commit'>;
}

/** Handlers of `sales.importPreview` and `sales.importCommit`. */
export function salesImportHandlers({
  imports,
}: SalesImportHandlersDeps): Handlers<typeof salesImportMethods> {
  return {
    'sales.importPreview': async ({ csv, mapping, utcOffsetMinutes }) =>
      imports.preview({ csv, mapping, utcOffsetMinutes }),
    'sales.importCommit': async ({ csv, mapping, utcOffsetMinutes, skipBadOrders }) =>
      imports.commit({ csv, mapping, utcOffsetMinutes, skipBadOrders }),
  };
}
