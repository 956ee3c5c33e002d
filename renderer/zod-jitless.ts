// The UI's CSP allows no eval: zod tries `new Function` once to see whether it may compile its
// parsers, and Chromium reports that try as a script-src violation. Telling zod not to must happen
// before any schema is built (the contract's modules build theirs as they load), so main.tsx imports
// this file first.
import { z } from 'zod';

z.config({ jitless: true });
