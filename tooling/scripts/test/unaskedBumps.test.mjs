import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unaskedBumps } from '../unaskedBumps.mjs';

const changeset = (releases) => ({ releases: Object.entries(releases).map(([name, type]) => ({ name, type })) });
const release = (name, type) => ({ name, type });

test('a plan that bumps what the changesets ask passes', () => {
  const plan = { changesets: [changeset({ a: 'minor' }), changeset({ a: 'patch', b: 'patch' })], releases: [release('a', 'minor'), release('b', 'patch')] };
  assert.deepEqual(unaskedBumps(plan, { dependencies: {} }), []);
});

test('the major changesets forces through a peer dependency is reported', () => {
  const plan = { changesets: [changeset({ a: 'minor' })], releases: [release('a', 'minor'), release('b', 'major')] };
  assert.deepEqual(unaskedBumps(plan, { dependencies: { b: ['a'] } }), [{ name: 'b', type: 'major', asked: 'patch' }]);
});

test('a fixed group takes its highest asked bump; anything above it is reported for every member', () => {
  const fixed = [['a', 'b', 'c']];
  const asked = { changesets: [changeset({ a: 'minor' }), changeset({ c: 'patch' })], releases: ['a', 'b', 'c'].map((n) => release(n, 'minor')) };
  assert.deepEqual(unaskedBumps(asked, { fixed, dependencies: {} }), []);
  const forced = { ...asked, releases: ['a', 'b', 'c'].map((n) => release(n, 'major')) };
  assert.deepEqual(
    unaskedBumps(forced, { fixed, dependencies: {} }).map((p) => `${p.name} ${p.type}>${p.asked}`),
    ['a major>minor', 'b major>minor', 'c major>minor'],
  );
});

test('a package no changeset names may take a patch only when a dependency of it is released', () => {
  const plan = { changesets: [changeset({ a: 'minor' })], releases: [release('a', 'minor'), release('b', 'patch'), release('c', 'patch')] };
  assert.deepEqual(unaskedBumps(plan, { dependencies: { b: ['a'], c: [] } }), [{ name: 'c', type: 'patch', asked: 'none' }]);
});
