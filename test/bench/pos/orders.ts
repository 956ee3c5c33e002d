// What does bench pos post? One hot-pot order per request, each with its own order id, spread over
// a few tills: a broth, meats and vegetables for the party, drinks, sometimes a loyalty card. A small
// seeded model, so every run posts the same orders.

import { Prng } from '../../../main/common/prng';

const BROTHS = [
  ['broth-mala', 'Mala broth', 1290],
  ['broth-tomato', 'Tomato broth', 990],
  ['broth-mushroom', 'Mushroom broth', 1090],
] as const;
const DISHES = [
  ['lamb', 'Sliced lamb', 890],
  ['beef', 'Marbled beef', 1190],
  ['pork-belly', 'Pork belly', 790],
  ['shrimp-paste', 'Shrimp paste', 990],
  ['tofu', 'Frozen tofu', 390],
  ['napa', 'Napa cabbage', 350],
  ['enoki', 'Enoki', 450],
  ['noodles', 'Hand-pulled noodles', 420],
] as const;
const DRINKS = [
  ['tea', 'Barley tea', 250],
  ['plum', 'Sour plum drink', 380],
  ['beer', 'Tsingtao', 550],
] as const;
const PAYMENTS = ['card', 'card', 'card', 'mobile', 'mobile', 'cash'] as const;

/** Uniform numbers in [0, 1) from the seeded generator the simulations share: the same orders on every run. */
function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

/** Makes the JSON body of order `n` of this run (`run` keeps ids unique across runs on one node). */
export function orderMaker(run: string, tills: number, seed = 1): (n: number) => string {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  return (n) => {
    const party = 1 + Math.floor(rnd() * 5);
    const line = ([itemId, name, price]: readonly [string, string, number], quantity: number) => ({
      itemId,
      name,
      quantity,
      unitPriceMinor: price,
      taxMinor: Math.round(price * quantity * 0.08),
    });
    const lines = [line(pick(BROTHS), 1)];
    for (let i = 0; i < party + 1; i++) lines.push(line(pick(DISHES), 1 + Math.floor(rnd() * 2)));
    lines.push(line(pick(DRINKS), party));
    return JSON.stringify({
      orderId: `${run}-${n}`,
      terminalId: `till-${1 + (n % tills)}`,
      timeMs: Date.now(),
      currency: 'USD',
      paymentMethod: pick(PAYMENTS),
      lines,
      ...(rnd() < 0.3 ? { loyaltyCard: `7700${String(Math.floor(rnd() * 500)).padStart(6, '0')}` } : {}),
    });
  };
}
