import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOTES_FILE, parseVoteBody, readVotes, startGalleryServer, type GalleryServer } from '../src/index.js';
import { copyFixtureRuns, postJson, rawRequest } from './helpers.js';

const A = 'mixture-100/step-000000100.npy';
const B = 'mixture-400/step-000000400.npy';
const ALL_LEFT = { fidelity: 'left', aesthetics: 'left', defects: 'left', overall: 'left' };

describe('votes', () => {
  let gallery: GalleryServer;
  let fixture: Awaited<ReturnType<typeof copyFixtureRuns>>;
  let votesPath: string;
  beforeAll(async () => {
    fixture = await copyFixtureRuns();
    votesPath = nodePath.join(fixture.root, VOTES_FILE);
    gallery = await startGalleryServer({ runs: fixture.root });
  });
  afterAll(async () => {
    await gallery.close();
    await fixture.cleanup();
  });

  const pair = async () => {
    const res = await postJson(gallery.port, '/api/eval/pair', { a: A, b: B });
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as { pairId: string; left: { shape: number[]; data: number[] }; right: { shape: number[] } };
  };
  const fileText = () => fs.readFile(votesPath, 'utf8').catch(() => '');

  it('issues blind pairs: an opaque id, no names, both sides of 2D sets as whole scatter plots', async () => {
    const p = await pair();
    expect(p.pairId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(JSON.stringify(p)).not.toContain('mixture');
    expect(p.left.shape).toEqual([256, 2]);
    expect(p.right.shape).toEqual([256, 2]);
  });

  it('puts each set on the left about half of the time (random order)', async () => {
    // 60 pairs: the count of A-left is Binomial(60, ½); [15, 45] holds it with probability 1 − 1.3e-4.
    let aLeft = 0;
    for (let i = 0; i < 60; i++) {
      const p = await pair();
      const res = await postJson(gallery.port, '/api/eval/vote', { pairId: p.pairId, choices: ALL_LEFT });
      expect(res.status).toBe(201);
      if (JSON.parse(res.body).recorded.left === A) aLeft++;
    }
    expect(aLeft).toBeGreaterThanOrEqual(15);
    expect(aLeft).toBeLessThanOrEqual(45);
    // Every vote chose "left", so each set's wins equal the times it was shown left.
    const rows = JSON.parse((await rawRequest(gallery.port, '/api/eval/results')).body).rows;
    const overall = rows.find((r: { aspect: string }) => r.aspect === 'overall');
    expect(overall).toMatchObject({ a: A, b: B, winsA: aLeft, winsB: 60 - aLeft, ties: 0 });
  });

  it('appends one whole line per vote with the sets, the sides and every aspect', async () => {
    const before = (await fileText()).split('\n').filter(Boolean).length;
    const p = await pair();
    const choices = { fidelity: 'right', aesthetics: 'tie', defects: 'left', overall: 'right' };
    expect((await postJson(gallery.port, '/api/eval/vote', { pairId: p.pairId, choices })).status).toBe(201);
    const lines = (await fileText()).split('\n').filter(Boolean);
    expect(lines.length).toBe(before + 1);
    const last = JSON.parse(lines.at(-1) as string);
    expect(last.choices).toEqual(choices);
    expect([last.left, last.right].sort()).toEqual([A, B]);
  });

  it('keeps concurrent votes whole (20 at once)', async () => {
    const before = (await readVotes(votesPath)).votes.length;
    const pairs = await Promise.all(Array.from({ length: 20 }, pair));
    const results = await Promise.all(pairs.map((p) => postJson(gallery.port, '/api/eval/vote', { pairId: p.pairId, choices: ALL_LEFT })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const { votes, badLines } = await readVotes(votesPath);
    expect(badLines).toEqual([]);
    expect(votes.length).toBe(before + 20);
  });

  it('refuses invalid votes with 400 and writes nothing', async () => {
    const p = await pair();
    const before = await fileText();
    const bad = [
      { pairId: p.pairId, choices: { ...ALL_LEFT, overall: 'both' } },
      { pairId: p.pairId, choices: { fidelity: 'left' } },
      { pairId: p.pairId, choices: { ...ALL_LEFT, colour: 'left' } },
      { pairId: p.pairId, choices: ALL_LEFT, run: 'x' },
      { pairId: '../../etc', choices: ALL_LEFT },
      [1, 2],
    ];
    for (const body of bad) expect((await postJson(gallery.port, '/api/eval/vote', body)).status, JSON.stringify(body)).toBe(400);
    expect((await rawRequest(gallery.port, '/api/eval/vote', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await rawRequest(gallery.port, '/api/eval/vote', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"pairId":' })).status).toBe(400);
    const huge = JSON.stringify({ pairId: p.pairId, choices: ALL_LEFT, pad: 'x'.repeat(20000) });
    expect((await rawRequest(gallery.port, '/api/eval/vote', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: huge })).status).toBe(413);
    expect(await fileText()).toBe(before);
  });

  it('accepts each pair once, and only pairs it issued (409)', async () => {
    const p = await pair();
    expect((await postJson(gallery.port, '/api/eval/vote', { pairId: p.pairId, choices: ALL_LEFT })).status).toBe(201);
    expect((await postJson(gallery.port, '/api/eval/vote', { pairId: p.pairId, choices: ALL_LEFT })).status).toBe(409);
    expect((await postJson(gallery.port, '/api/eval/vote', { pairId: 'neverIssuedPair0', choices: ALL_LEFT })).status).toBe(409);
  });

  it('refuses pairs of unknown, identical or outside sample sets', async () => {
    expect((await postJson(gallery.port, '/api/eval/pair', { a: A, b: A })).status).toBe(400);
    expect((await postJson(gallery.port, '/api/eval/pair', { a: A, b: 'mixture-400/nope.npy' })).status).toBe(400);
    expect((await postJson(gallery.port, '/api/eval/pair', { a: A, b: '../x.npy' })).status).toBe(403);
    expect((await postJson(gallery.port, '/api/eval/pair', { a: A, b: '../../x/y.npy' })).status).toBe(400);
  });

  it('parseVoteBody names every problem at once', () => {
    const r = parseVoteBody({ pairId: 3, choices: { fidelity: 'up', colour: 'left' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'pairId must be the id of a pair the gallery issued',
      'choices.colour is not an aspect (allowed: fidelity, aesthetics, defects, overall)',
      'choices.fidelity must be one of left, right, tie, got "up"',
      'choices.aesthetics must be one of left, right, tie, got nothing',
      'choices.defects must be one of left, right, tie, got nothing',
      'choices.overall must be one of left, right, tie, got nothing',
    ]);
  });

  it('readVotes skips a line cut short by a crash and says which', async () => {
    const path = nodePath.join(fixture.base, 'cut.jsonl');
    const good = JSON.stringify({ time: 't', left: A, right: B, leftIndex: 0, rightIndex: 0, choices: ALL_LEFT });
    await fs.writeFile(path, `${good}\n${good.slice(0, 30)}\n${good}\n`);
    const { votes, badLines } = await readVotes(path);
    expect(votes.length).toBe(2);
    expect(badLines).toEqual([2]);
  });
});
