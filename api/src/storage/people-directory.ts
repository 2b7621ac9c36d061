// The directory of people who have signed in: one row per person (point reads), a name index
// for finding people by the start of their name (one range query), and a count of everyone.
import { odata } from '@azure/data-tables';
import { isPlausibleUserId } from '../shared/chat-message.js';
import { checkPerson, personFromEntity, type Person } from './entities.js';
import { StorageValidationError } from './errors.js';
import { encodeId, personPartition } from './keys.js';
import { updateRow } from './optimistic.js';
import type { ChatTables } from './table.js';

/** getPeople reads one row per id; this keeps one call's work bounded. */
export const MAX_PEOPLE_PER_CALL = 100;

const PERSON_ROW_KEY = 'person';
/** Neither partition can be a person's: '~' is not in the base64url alphabet. */
const NAME_INDEX_PARTITION = '~names';
const STATS_PARTITION = '~stats';
const COUNT_ROW_KEY = 'people';
/** Finding people by name answers at most this many. */
export const MAX_FOUND_PEOPLE = 20;

/**
 * Lower-cased names, percent-encoded one character at a time (so a prefix of a name encodes to a
 * prefix of its key), with the characters keys forbid and `~` escaped too: every key character
 * is then below `~`, which ends each prefix's range.
 */
function nameIndexPrefix(name: string): string {
  return encodeURIComponent(name.normalize('NFKC').toLowerCase()).replace(
    /[!'()*~]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

// A space is below every encoded character, so it separates the name from the id.
const nameIndexKey = (name: string, userId: string): string =>
  `${nameIndexPrefix(name)} ${encodeId(userId)}`;

export type PersonInput = Omit<Person, 'lastSeen'> & { lastSeen: Date | string };

export function createPeopleDirectory(tables: ChatTables) {
  const { people } = tables;

  async function upsertPerson(input: PersonInput) {
    const person = checkPerson(input);
    const before = await getPerson(person.id);
    await people.run('write person', (abortSignal) =>
      people.client.upsertEntity(
        {
          partitionKey: personPartition(person.id),
          rowKey: PERSON_ROW_KEY,
          userId: person.id,
          name: person.name,
          provider: person.provider,
          lastSeen: person.lastSeen,
        },
        'Replace',
        { abortSignal },
      ),
    );
    // Always (re)written, so people from before the index existed appear in it too.
    await people.run('index person', (abortSignal) =>
      people.client.upsertEntity(
        {
          partitionKey: NAME_INDEX_PARTITION,
          rowKey: nameIndexKey(person.name, person.id),
          userId: person.id,
          name: person.name,
        },
        'Replace',
        { abortSignal },
      ),
    );
    if (!before) await countNewPerson();
    else if (before.name !== person.name) {
      await people
        .run('unindex person', (abortSignal) =>
          people.client.deleteEntity(NAME_INDEX_PARTITION, nameIndexKey(before.name, person.id), {
            abortSignal,
          }),
        )
        .catch(() => undefined); // a stale entry only shows an old name in searches
    }
    return person;
  }

  async function countNewPerson(): Promise<void> {
    const key = { partitionKey: STATS_PARTITION, rowKey: COUNT_ROW_KEY };
    await updateRow(people, key, 'people count', (held) => ({
      ...key,
      count: (typeof held?.count === 'number' ? held.count : 0) + 1,
    }));
  }

  /** How many people have ever signed in (#general's member count). */
  async function countPeople(): Promise<number> {
    const entity = await people.find('read people count', STATS_PARTITION, COUNT_ROW_KEY);
    return typeof entity?.count === 'number' ? entity.count : 0;
  }

  /** People whose name starts with `prefix` (ignoring case), by name; at most MAX_FOUND_PEOPLE. */
  async function findPeople(prefix: string): Promise<{ id: string; name: string }[]> {
    const start = nameIndexPrefix(prefix);
    return people.run('find people', async (abortSignal) => {
      const found: { id: string; name: string }[] = [];
      const filter = odata`PartitionKey eq ${NAME_INDEX_PARTITION} and RowKey ge ${start} and RowKey lt ${`${start}~`}`;
      const pages = people.client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
        .byPage({ maxPageSize: MAX_FOUND_PEOPLE });
      for await (const page of pages) {
        for (const row of page) {
          if (typeof row.userId === 'string' && typeof row.name === 'string') {
            found.push({ id: row.userId, name: row.name });
          }
          if (found.length >= MAX_FOUND_PEOPLE) return found;
        }
      }
      return found;
    });
  }

  async function getPerson(id: string): Promise<Person | undefined> {
    if (typeof id !== 'string' || !isPlausibleUserId(id)) {
      throw new StorageValidationError('ids', 'must be user ids.');
    }
    const entity = await people.find('read person', personPartition(id), PERSON_ROW_KEY);
    return entity && personFromEntity(entity);
  }

  async function getPeople(ids: readonly string[]): Promise<Map<string, Person>> {
    const distinct = [...new Set(ids)];
    if (distinct.length > MAX_PEOPLE_PER_CALL) {
      throw new StorageValidationError('ids', `at most ${MAX_PEOPLE_PER_CALL} ids per call.`);
    }
    const found = await Promise.all(distinct.map(getPerson));
    const result = new Map<string, Person>();
    for (const person of found) if (person) result.set(person.id, person);
    return result;
  }

  return { upsertPerson, getPerson, getPeople, findPeople, countPeople };
}
