/** Edits that turn a reference sequence into a hypothesis: the parts of a word (or character) error rate. */
export interface EditCounts {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Length of the reference: the denominator of the error rate. */
  reference: number;
}

/**
 * Minimum edit alignment (Levenshtein) between two token sequences, counting substitutions, deletions
 * and insertions separately. Among alignments with the fewest edits it prefers substitutions, the
 * convention of NIST sclite and jiwer, so S/D/I match the tools people compare against.
 */
export function alignEdits<T>(reference: readonly T[], hypothesis: readonly T[]): EditCounts {
  const rows = reference.length + 1;
  const cols = hypothesis.length + 1;
  // cost[i][j] for the prefixes; kept as one flat array with the edit kind that reached each cell.
  const cost = new Uint32Array(rows * cols);
  const kind = new Uint8Array(rows * cols); // 0 match, 1 substitution, 2 deletion, 3 insertion
  for (let i = 1; i < rows; i++) {
    cost[i * cols] = i;
    kind[i * cols] = 2;
  }
  for (let j = 1; j < cols; j++) {
    cost[j] = j;
    kind[j] = 3;
  }
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const same = reference[i - 1] === hypothesis[j - 1];
      const diagonal = cost[(i - 1) * cols + j - 1]! + (same ? 0 : 1);
      const deletion = cost[(i - 1) * cols + j]! + 1;
      const insertion = cost[i * cols + j - 1]! + 1;
      let best = diagonal;
      let how = same ? 0 : 1;
      if (deletion < best) {
        best = deletion;
        how = 2;
      }
      if (insertion < best) {
        best = insertion;
        how = 3;
      }
      cost[i * cols + j] = best;
      kind[i * cols + j] = how;
    }
  }
  const counts: EditCounts = { substitutions: 0, deletions: 0, insertions: 0, reference: reference.length };
  let i = rows - 1;
  let j = cols - 1;
  while (i > 0 || j > 0) {
    const how = kind[i * cols + j];
    if (how === 0 || how === 1) {
      if (how === 1) counts.substitutions++;
      i--;
      j--;
    } else if (how === 2) {
      counts.deletions++;
      i--;
    } else {
      counts.insertions++;
      j--;
    }
  }
  return counts;
}

/** Adds up edit counts over a corpus: error rates are total edits / total reference length. */
export function sumEdits(all: readonly EditCounts[]): EditCounts {
  return all.reduce(
    (sum, e) => ({
      substitutions: sum.substitutions + e.substitutions,
      deletions: sum.deletions + e.deletions,
      insertions: sum.insertions + e.insertions,
      reference: sum.reference + e.reference,
    }),
    { substitutions: 0, deletions: 0, insertions: 0, reference: 0 },
  );
}

/**
 * (S + D + I) / N. With an empty reference the rate is undefined, not 0: a corpus with nothing to
 * score must not look perfect.
 */
export function errorRate(edits: EditCounts): number | undefined {
  if (edits.reference === 0) return undefined;
  return (edits.substitutions + edits.deletions + edits.insertions) / edits.reference;
}
