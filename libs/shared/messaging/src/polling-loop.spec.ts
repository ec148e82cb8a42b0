import { PollingLoop } from './polling-loop';

/** A loop whose rounds block until the test lets each one finish; counts the rounds started. */
function gatedLoop(pollMs = 30_000) {
  const releases: Array<() => void> = [];
  let rounds = 0;
  const loop = new PollingLoop({
    round: () => {
      rounds++;
      return new Promise<number>((resolve) => releases.push(() => resolve(0)));
    },
    batchSize: 10,
    pollMs,
    onError: (err) => {
      throw err;
    },
  });
  return { loop, rounds: () => rounds, finishRound: () => releases.shift()?.() };
}

describe('PollingLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a round at start, then waits pollMs after a round that found less than a batch', async () => {
    const { loop, rounds, finishRound } = gatedLoop();
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(1);
    finishRound();
    await jest.advanceTimersByTimeAsync(29_999);
    expect(rounds()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds()).toBe(2);
    finishRound();
    await loop.stop();
  });

  it('a wake while idle runs a round at once', async () => {
    const { loop, rounds, finishRound } = gatedLoop();
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    finishRound();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(rounds()).toBe(1);
    loop.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(2);
    finishRound();
    await loop.stop();
  });

  it('a wake during a round is not lost: another round follows it at once, not pollMs later', async () => {
    const { loop, rounds, finishRound } = gatedLoop();
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(1);
    // work committed while the round runs (it may have looked already): the notification wakes the loop
    loop.wake();
    loop.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(1); // never two rounds at a time
    finishRound();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(2);
    // that round had no wake of its own: back to the poll interval
    finishRound();
    await jest.advanceTimersByTimeAsync(29_999);
    expect(rounds()).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds()).toBe(3);
    finishRound();
    await loop.stop();
  });

  it('a stopped loop ignores wakes', async () => {
    const { loop, rounds, finishRound } = gatedLoop();
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    finishRound();
    await loop.stop();
    loop.wake();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(rounds()).toBe(1);
  });

  it('a delayed wake runs one round after the delay, for every wake meanwhile; a wake at once is not put off', async () => {
    const { loop, rounds, finishRound } = gatedLoop();
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    finishRound();
    loop.wake(250);
    await jest.advanceTimersByTimeAsync(100);
    loop.wake(250); // does not put the round off
    await jest.advanceTimersByTimeAsync(149);
    expect(rounds()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds()).toBe(2);
    finishRound();
    // a round due at once is not delayed by a later delayed wake
    loop.wake();
    loop.wake(250);
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(3);
    finishRound();
    // a delayed wake, then one at once: the round runs at once
    loop.wake(250);
    loop.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds()).toBe(4);
    // woken with a delay while a round runs: the next round follows after that delay
    loop.wake(250);
    finishRound();
    await jest.advanceTimersByTimeAsync(249);
    expect(rounds()).toBe(4);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds()).toBe(5);
    finishRound();
    await loop.stop();
  });
});
