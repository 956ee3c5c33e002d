/** A query value as a number when it is a whole decimal, as text otherwise (the schema says what is wrong). */
export function numberOrText(value: string | null): number | string | undefined {
  if (value === null) return undefined;
  return /^[0-9]{1,16}$/.test(value) ? Number(value) : value;
}
