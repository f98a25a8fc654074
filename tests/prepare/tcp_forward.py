#!/usr/bin/env python3
"""tcp_forward.py LISTEN_IP PORT TARGET_IP: forwards TCP connections (tests only).

Prints "ready" once listening; runs until killed."""
import asyncio
import sys

listen_ip, port, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def handle(reader, writer):
    r2, w2 = await asyncio.open_connection(target, port)
    await asyncio.gather(pipe(reader, w2), pipe(r2, writer), return_exceptions=True)


async def main():
    server = await asyncio.start_server(handle, listen_ip, port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
