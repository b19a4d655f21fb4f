/** A target from the performance requirement, reported as met or missed (never a failing exit). */
export interface Target {
  name: string;
  target: string;
  value: string;
  pass: boolean;
}
