#!/usr/bin/env python3
"""A discarding SMTP server for bench/e2e/each-to-memory: plain TCP, advertises AUTH XOAUTH2 and accepts any
login, MAIL, RCPT and DATA, counts messages and throws them away. It stands in for a mail server only where the
server's own work is not what is measured (the sender's memory over 100,000 messages); it checks nothing.
  smtp_sink.py PORT_FILE      listens on a free loopback port, writes it to PORT_FILE, runs until killed;
                              on SIGTERM prints "messages=N" on stderr
"""
import asyncio, signal, sys

count = 0


async def session(reader, writer):
    global count
    writer.write(b"220 sink ESMTP\r\n")
    while True:
        line = await reader.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            writer.write(b"250-sink\r\n250-8BITMIME\r\n250-SIZE 52428800\r\n250 AUTH XOAUTH2 OAUTHBEARER\r\n")
        elif verb == b"AUTH":
            writer.write(b"235 2.7.0 accepted\r\n")
        elif verb == b"DATA":
            writer.write(b"354 go ahead\r\n")
            await writer.drain()
            while True:
                data = await reader.readline()
                if not data or data == b".\r\n":
                    break
            count += 1
            writer.write(b"250 2.0.0 queued as %d\r\n" % count)
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()
    writer.close()


async def main(port_file):
    server = await asyncio.start_server(session, "127.0.0.1", 0)
    with open(port_file, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    print(f"messages={count}", file=sys.stderr, flush=True)


asyncio.run(main(sys.argv[1]))
