// What a soak message carries, so that every client can check what it receives without asking
// anyone: the message id encodes the run and the message's global number, the text repeats the
// number and adds the step, the sender and the sender's sequence number.

/** 8 hex digits naming the run; the start of every message id it sends. */
export type RunTag = string;

export interface SoakSend {
  /** Global number of the message in the run, from 0. */
  g: number;
  /** The rate step it belongs to (0 when the run has one rate). */
  step: number;
  /** Index of the sending person. */
  sender: number;
  /** The sender's own sequence number, from 0. */
  seq: number;
  /** When the schedule offered it (ms since the epoch, sub-millisecond). */
  offeredAt: number;
}

/** A UUID (the API accepts only UUIDs) whose first group is the run and last group the number. */
export function messageId(run: RunTag, g: number): string {
  return `${run}-0000-4000-8000-${g.toString(16).padStart(12, '0')}`;
}

export function messageText({ g, step, sender, seq }: Omit<SoakSend, 'offeredAt'>): string {
  return `soak g${g} s${step} p${sender} n${seq}`;
}

const TEXT_PATTERN = /^soak g(\d+) s(\d+) p(\d+) n(\d+)$/;

/** The send a received text describes, or undefined for any other text. */
export function parseMessageText(text: string): Omit<SoakSend, 'offeredAt'> | undefined {
  const match = TEXT_PATTERN.exec(text);
  if (!match) return undefined;
  const [, g, step, sender, seq] = match.map(Number) as [number, number, number, number, number];
  return { g, step, sender, seq };
}

export function newRunTag(): RunTag {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}
