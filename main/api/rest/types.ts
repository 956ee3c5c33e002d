/** A request to the public REST surface, already parsed. */
export interface RestRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/** One route of the public REST surface (`/api/v1/...`). Handlers throw AppErrors; the host turns them into problem+json. */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:name` parameters, e.g. `/api/v1/blocks/:height`. */
  path: string;
  summary: string;
  handler: (req: RestRequest) => Promise<unknown>;
}
