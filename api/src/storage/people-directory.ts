// The directory of people who have signed in: one row per person, point reads only.
import { isPlausibleUserId } from '../shared/chat-message.js';
import { checkPerson, personFromEntity, type Person } from './entities.js';
import { statusOf, StorageValidationError } from './errors.js';
import { personPartition } from './keys.js';
import type { ChatTables } from './table.js';

/** getPeople reads one row per id; this keeps one call's work bounded. */
export const MAX_PEOPLE_PER_CALL = 100;

const PERSON_ROW_KEY = 'person';

export type PersonInput = Omit<Person, 'lastSeen'> & { lastSeen: Date | string };

export function createPeopleDirectory(tables: ChatTables) {
  const { people } = tables;

  async function upsertPerson(input: PersonInput) {
    const person = checkPerson(input);
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
    return person;
  }

  async function getPerson(id: string): Promise<Person | undefined> {
    if (typeof id !== 'string' || !isPlausibleUserId(id)) {
      throw new StorageValidationError('ids', 'must be user ids.');
    }
    try {
      const entity = await people.run('read person', (abortSignal) =>
        people.client.getEntity<Record<string, unknown>>(personPartition(id), PERSON_ROW_KEY, {
          abortSignal,
        }),
      );
      return personFromEntity(entity);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
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

  return { upsertPerson, getPerson, getPeople };
}
