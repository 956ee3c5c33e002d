/**
 * Something long-lived: started once, in order, by the composition root and stopped in reverse
 * (js-libp2p's `Startable`). It lives on the ground floor so that every layer can implement it
 * without importing the app that runs it (`main/app/lifecycle.ts`).
 */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}
