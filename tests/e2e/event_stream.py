"""A minimal client for the host's server-sent event streams, for tests.

EventStream opens GET `path` on a host and parses text/event-stream as it
arrives, one event at a time. The host's heartbeat comments keep
a socket timeout from firing, so every read of an event also has a
deadline, and a test that waits for an event that never comes fails
instead of hanging.
"""

import dataclasses
import http.client
import time

from webjobs_host import USER_AGENT, basic_auth


@dataclasses.dataclass
class Event:
    type: str
    data: str
    id: str | None


class EventStream:
    def __init__(self, host, path, headers=None, timeout=60, event_deadline=120):
        self.connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=timeout)
        all_headers = {"User-Agent": USER_AGENT,
                       "Authorization": basic_auth(host.admin_user, host.admin_password)}
        all_headers.update(headers or {})
        self.connection.request("GET", path, headers=all_headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = self.response.headers
        self.last_id = None
        self.comments = 0
        self.ended = False
        self.event_deadline = event_deadline

    def body(self):
        """The whole body of a response that is not an event stream."""
        return self.response.read().decode("utf-8", errors="replace")

    def next_event(self):
        """Return the next event, or None when the stream has ended."""
        event_type, data, event_id = "message", [], None
        deadline = time.monotonic() + self.event_deadline
        while True:
            assert time.monotonic() < deadline, (
                f"no event within {self.event_deadline} s (heartbeats only)")
            raw = self.response.readline()
            if not raw:
                self.ended = True
                return None
            line = raw.decode("utf-8", errors="replace").rstrip("\n").rstrip("\r")
            if line == "":
                if event_id is not None:
                    self.last_id = event_id
                if data:
                    return Event(event_type, "\n".join(data), event_id)
                event_type, data, event_id = "message", [], None
                continue
            if line.startswith(":"):
                self.comments += 1
                continue
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "event":
                event_type = value
            elif field == "data":
                data.append(value)
            elif field == "id":
                event_id = value

    def read_output_until(self, predicate):
        """Read output events until `predicate(text so far)` holds; return the text.

        Each output event adds its data lines, each followed by LF. Fails when
        the stream ends or sends a status event first.
        """
        text = ""
        while not predicate(text):
            event = self.next_event()
            assert event is not None, f"the stream ended before the expected output; got:\n{text}"
            assert event.type == "output", f"expected an output event; got {event}"
            text += event.data + "\n"
        return text

    def read_to_status(self):
        """Read to the status event: return (output text, status event or None)."""
        text = ""
        while True:
            event = self.next_event()
            if event is None:
                return text, None
            if event.type == "status":
                return text, event
            assert event.type == "output", f"expected an output or status event; got {event}"
            text += event.data + "\n"

    def close(self):
        # The response holds its own reference to the socket.
        self.response.close()
        self.connection.close()
