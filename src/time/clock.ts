import { toIsoDate, type IsoDate } from './dates';

/** Where "now" comes from. The service uses the system clock; tests walk through years with a manual one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function today(clock: Clock): IsoDate {
  return toIsoDate(clock.now());
}

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start: Date | string) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to);
  }

  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}
