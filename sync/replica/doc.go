// Package replica is the exchange client: it keeps a blueprint (a replica)
// in sync with a city exchange server (package sync/exchange, protocol
// types in sync/wire) so that no local edit is ever lost or silently
// overwritten.
//
// A sync pushes, then pulls:
//
//   - Push sends the journal (lantu_journal) entries the remote has not
//     acknowledged, in journal order, one POST /sync/push per round with at
//     most one entry per feature, each keyed "<replica id>:<journal id>" so
//     a retry after a cut connection or a crash gets the stored result
//     instead of a second write. Every entry ends applied, merged, conflict
//     or rejected, recorded in lantu_sync_results before the journal is
//     acknowledged (AckJournal) past it.
//   - A push conflict (the server moved on) is merged per field against the
//     entry's base: fields changed on one side only are merged, identical
//     changes are not conflicts, and the merged feature is written locally
//     (as the server's version, then a local edit with that base) and pushed
//     in the next round. The same field or the geometry changed on both
//     sides to different values, or a delete against an edit, is a conflict
//     record in lantu_sync_conflicts (base, mine, theirs), listed until
//     Resolve takes mine or theirs.
//   - Pull reads each collection's change feed from its durable cursor
//     (crs=EPSG of the blueprint, x=east), and writes each page with its
//     cursor in one transaction (Blueprint.ApplyRemote). A feature with
//     unpushed local edits or an open conflict is never overwritten: its
//     change goes to the conflict record (re-merged) or waits for the push
//     that will meet it as a conflict.
//   - A collection never pulled before that holds at least
//     Options.SnapshotMin features (20000 by default) is read from its
//     snapshot first (GET /collections/{id}/snapshot, see package wire):
//     downloaded beside the replica (FILE.snapshot-COLL.geojsons.part and
//     its .json note), resumed with Range/If-Range after a cut, its SHA-256
//     checked before any of it is written, applied in batches with the
//     feed cursor set by the last; the feed then continues from there.
//   - After a pull the planning rules re-check the features it changed
//     (conflict.RecheckChanges) and the result names the new patches.
//
// "mine" is always read from the journal (an entry's after), never from
// the feature row, so a crash between two of the writes above only makes
// the next sync redo them.
//
// The bearer token is kept in the user's token file (TokenFile: mode 0600,
// $LANTU_TOKENS or the config folder), never in the blueprint, a log or a
// JSON result. The sync tables (lantu_remotes, lantu_sync_*) are
// attributes tables of gpkg_contents; shadows (the base versions the
// merge needs) are removed after a sync once no unsettled entry or open
// conflict needs them.
//
// Transient errors (connection refused or reset, 5xx, 429 with
// Retry-After) are retried with backoff; after the last try a sync fails
// with an *Error of Kind Transient and loses nothing.
package replica
