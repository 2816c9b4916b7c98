/** Writes the in-browser sampling bundle to `outdir` (default dist/browser/); returns esbuild's metafile. */
export function bundleBrowser(options?: { outdir?: string }): Promise<{ outputs: Record<string, { bytes: number }> }>;
export const BROWSER_OUT: string;
