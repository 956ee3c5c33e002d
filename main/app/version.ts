declare const __HOTPOT_VERSION__: string | undefined;

/** The app's version, injected by the bundler (falls back to "dev" when running from sources). */
export const VERSION: string = typeof __HOTPOT_VERSION__ === 'string' ? __HOTPOT_VERSION__ : '0.0.0-dev';
