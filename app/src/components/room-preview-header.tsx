import { useEffect, useState } from 'react';
import type { RoomSummary } from '@chat/conversation';
import { fetchRoomDirectory } from '../api/conversations.js';

/**
 * The header of a room one is not in (opened from a link): its name and topic come from the
 * room directory, since the conversation list only has one's own rooms.
 */
export function RoomPreviewHeader({ roomId, fetchFn }: { roomId: string; fetchFn: typeof fetch }) {
  const [room, setRoom] = useState<RoomSummary | null | undefined>(undefined);
  useEffect(() => {
    let current = true;
    fetchRoomDirectory(fetchFn).then(
      (rooms) => {
        if (current) setRoom(rooms.find((candidate) => candidate.id === roomId) ?? null);
      },
      () => {
        if (current) setRoom(null);
      },
    );
    return () => {
      current = false;
    };
  }, [roomId, fetchFn]);

  return (
    <header className="conversation__header">
      <div className="conversation__heading">
        <h2 className="conversation__title">{room ? `#${room.name}` : 'A room you are not in'}</h2>
        {room?.topic ? <p className="conversation__topic">{room.topic}</p> : null}
      </div>
      {room ? (
        <span className="conversation__presence">
          {room.memberCount} {room.memberCount === 1 ? 'member' : 'members'}
        </span>
      ) : null}
    </header>
  );
}
