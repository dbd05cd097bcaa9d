// Ids for rows written together at one time, in the order they were planned.

/**
 * A row's id: the batch's random id, then the row's place in the plan, zero-padded. A batch's rows
 * share one creation time and are read in (creation time, id) order, so the ids keep the plan's
 * order: a seeded demo then meets them alike in every run of one seed (with random ids, their order,
 * and whatever follows from it, could change from one run to the next).
 */
export function planOrderedId(batch: string, index: number, count: number): string {
  return `${batch}-${String(index).padStart(String(count - 1).length, '0')}`;
}
