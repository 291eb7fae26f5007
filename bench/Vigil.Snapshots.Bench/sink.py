# A loopback mail relay for the benchmark (Debian's python3-aiosmtpd): prints one line per
# message received, "<X-Vigil-Event header>", flushed at once, so the benchmark can time it.
import asyncio, sys
from aiosmtpd.controller import Controller
from email.parser import BytesHeaderParser

class Handler:
    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        print(headers.get("X-Vigil-Event", "?"), flush=True)
        return "250 OK"

controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
asyncio.get_event_loop().run_forever()
