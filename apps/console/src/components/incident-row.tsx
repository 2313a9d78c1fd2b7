import type { AuditedIncident } from '#warden/contracts';
import { formatTime } from '../format.js';
import { storyHref } from '../route.js';

/** One incident as the feed and a story list it: when, what, whom, why. */
export function IncidentRow({ incident }: { incident: AuditedIncident }) {
  return (
    <li class={`incident ${incident.type}`} data-testid="incident" data-type={incident.type} data-subject={incident.subject}>
      <time dateTime={incident.at}>{formatTime(incident.at)}</time>
      <span class={`badge ${incident.type}`}>{incident.type.replace('_', ' ')}</span>
      <a href={storyHref(incident.subject)} class="subject">
        {incident.subject}
      </a>
      <span class="detail">
        {[incident.rule, incident.level !== null && incident.level > 0 ? `level ${incident.level}` : null, incident.actor !== 'policy' ? `by ${incident.actor}` : null, incident.reason ? `“${incident.reason}”` : null, incident.simulated ? 'simulated' : null]
          .filter(Boolean)
          .join(' · ')}
      </span>
    </li>
  );
}
