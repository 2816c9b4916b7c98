// Bundles the in-browser sampling (scripts/bundle-browser.mjs) once before the tests, from the current sources,
// so the server under test serves what this checkout builds.
import { bundleBrowser } from '../scripts/bundle-browser.mjs';

export default async function setup(): Promise<void> {
  await bundleBrowser();
}
