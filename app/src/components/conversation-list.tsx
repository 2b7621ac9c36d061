import { useId, type MouseEvent } from 'react';
import type { ConversationSummary } from '@chat/conversation';
import {
  formatUnread,
  groupConversations,
  unreadMentionsOf,
} from '../conversations/conversation-list.js';
import { routePath, type Route } from '../conversations/route.js';

export interface ConversationListProps {
  conversations: readonly ConversationSummary[];
  /** The open conversation's id. */
  activeId: string | undefined;
  meId: string;
  /** Ids of the people online, for the dot beside a direct conversation. */
  onlineIds: ReadonlySet<string>;
  loaded: boolean;
  onOpen: (route: Route) => void;
  onBrowseRooms: () => void;
  onCreateRoom: () => void;
}

/** Where a conversation lives in the address bar. */
export function routeOf(summary: ConversationSummary): Route {
  return summary.kind === 'direct' && summary.with
    ? { kind: 'direct', userId: summary.with.id }
    : { kind: 'room', roomId: summary.id };
}

function Entry({
  summary,
  active,
  meId,
  online,
  onOpen,
}: {
  summary: ConversationSummary;
  active: boolean;
  meId: string;
  online: boolean;
  onOpen: (route: Route) => void;
}) {
  const route = routeOf(summary);
  const mentions = unreadMentionsOf(summary);
  const notes = summary.kind === 'direct' && summary.with?.id === meId;
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain click opens it here; with a modifier the browser opens a new tab as usual.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    onOpen(route);
  };
  const classes = [
    'conversation-link',
    active ? 'conversation-link--active' : '',
    summary.unread > 0 || mentions > 0 ? 'conversation-link--unread' : '',
    summary.muted ? 'conversation-link--muted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const name =
    summary.kind === 'room' ? `#${summary.name}` : notes ? `${summary.name} (you)` : summary.name;
  // One explicit name for assistive technology ("#ops, muted, 3 unread"); the parts below
  // only show it.
  const label = [
    name,
    summary.kind === 'direct' && !notes ? (online ? 'online' : 'offline') : '',
    summary.muted ? 'muted' : '',
    mentions > 0 ? `${formatUnread(mentions)} ${mentions === 1 ? 'mention' : 'mentions'}` : '',
    summary.unread > 0 ? `${formatUnread(summary.unread)} unread` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <li>
      <a
        className={classes}
        href={routePath(route)}
        aria-label={label}
        aria-current={active ? 'page' : undefined}
        onClick={open}
      >
        {summary.kind === 'direct' && !notes ? (
          <span className={`presence-dot${online ? ' presence-dot--online' : ''}`} />
        ) : null}
        <span className="conversation-link__name">{name}</span>
        {summary.muted ? <span className="conversation-link__muted">muted</span> : null}
        {/* Like Slack: "@2" for mentions, beside the count, and also when muted. */}
        {mentions > 0 ? (
          <span className="badge badge--mention">@{formatUnread(mentions)}</span>
        ) : null}
        {summary.unread > 0 ? <span className="badge">{formatUnread(summary.unread)}</span> : null}
      </a>
    </li>
  );
}

/** The sidebar's list: rooms (#general first), then direct conversations. */
export function ConversationList(props: ConversationListProps) {
  const { rooms, direct } = groupConversations(props.conversations);
  const roomsHeading = useId();
  const directHeading = useId();
  const entry = (summary: ConversationSummary) => (
    <Entry
      key={summary.id}
      summary={summary}
      active={summary.id === props.activeId}
      meId={props.meId}
      online={summary.with ? props.onlineIds.has(summary.with.id) : false}
      onOpen={props.onOpen}
    />
  );
  return (
    <nav className="conversations" aria-label="Conversations">
      <div className="conversations__header">
        <h2 className="conversations__title" id={roomsHeading}>
          Rooms
        </h2>
        <button
          type="button"
          className="button button--quiet button--small"
          onClick={props.onBrowseRooms}
        >
          Browse rooms
        </button>
        <button
          type="button"
          className="button button--quiet button--small"
          onClick={props.onCreateRoom}
        >
          New room
        </button>
      </div>
      {props.loaded ? null : <p className="conversations__loading">Loading conversations…</p>}
      <ul className="conversations__list" aria-labelledby={roomsHeading}>
        {rooms.map(entry)}
      </ul>
      <h2 className="conversations__title" id={directHeading}>
        Direct messages
      </h2>
      <ul className="conversations__list" aria-labelledby={directHeading}>
        {direct.map(entry)}
      </ul>
      {props.loaded && direct.length === 0 ? (
        <p className="conversations__hint">Choose a name to write to someone directly.</p>
      ) : null}
    </nav>
  );
}
