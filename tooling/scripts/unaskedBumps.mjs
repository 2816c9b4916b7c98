// The comparison behind check-release-plan.mjs, kept free of IO so that its tests can feed it plans directly.

const ORDER = ['none', 'patch', 'minor', 'major'];
const higher = (a, b) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/**
 * The releases in a changesets release plan that bump further than the changesets asked for.
 *
 * What counts as asked: each package's highest bump over the changesets that name it; in a `fixed` group every
 * member gets the group's highest (changesets versions them together); a package no changeset names may take a
 * patch when one of its runtime dependencies (dependencies, optionalDependencies, peerDependencies) is released,
 * as `updateInternalDependencies` does. Anything above that — typically the major that changesets forces on a
 * package whose peer dependency on a released package takes a minor — is returned.
 *
 * @param {{ releases: {name: string, type: string}[], changesets: {releases: {name: string, type: string}[]}[] }} plan
 *   the JSON of `changeset status --output`
 * @param {{ fixed?: string[][], dependencies: Record<string, string[]> }} repo the fixed groups of
 *   .changeset/config.json and each package's runtime dependencies on other workspace packages
 * @returns {{ name: string, type: string, asked: string }[]}
 * @example
 * unaskedBumps(plan, { fixed: [['a', 'b']], dependencies: { b: ['a'] } }); // [] when the plan matches
 */
export function unaskedBumps(plan, repo) {
  const asked = new Map();
  for (const changeset of plan.changesets) {
    for (const { name, type } of changeset.releases) asked.set(name, higher(asked.get(name) ?? 'none', type));
  }
  for (const group of repo.fixed ?? []) {
    const top = group.reduce((t, name) => higher(t, asked.get(name) ?? 'none'), 'none');
    if (top !== 'none') for (const name of group) asked.set(name, top);
  }
  const released = new Set(plan.releases.filter((r) => r.type !== 'none').map((r) => r.name));
  const problems = [];
  for (const { name, type } of plan.releases) {
    let allowed = asked.get(name) ?? 'none';
    if ((repo.dependencies[name] ?? []).some((dep) => released.has(dep))) allowed = higher(allowed, 'patch');
    if (ORDER.indexOf(type) > ORDER.indexOf(allowed)) problems.push({ name, type, asked: allowed });
  }
  return problems;
}
