#!/usr/bin/env python3
"""dc_relay.py LISTEN_IP TARGET_IP PORT/PROTO...: relays UDP datagrams and TCP
connections from LISTEN_IP to the same port on TARGET_IP (tests only: reaches
the IPv4-only test DC at an IPv6 address).  Prints "ready"; runs until killed."""
import asyncio
import sys

listen_ip, target = sys.argv[1], sys.argv[2]
ports = [(int(p), proto) for p, proto in (a.split("/") for a in sys.argv[3:])]


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


def tcp_handler(port):
    async def handle(reader, writer):
        r2, w2 = await asyncio.open_connection(target, port)
        await asyncio.gather(pipe(reader, w2), pipe(r2, writer), return_exceptions=True)
    return handle


class Upstream(asyncio.DatagramProtocol):
    """One upstream socket per client address: replies go back to that client."""

    def __init__(self, front, client):
        self.front, self.client = front, client

    def datagram_received(self, data, addr):
        self.front.transport.sendto(data, self.client)


class Front(asyncio.DatagramProtocol):
    def __init__(self, port):
        self.port, self.up = port, {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asyncio.ensure_future(self.forward(data, addr))

    async def forward(self, data, addr):
        if addr not in self.up:
            loop = asyncio.get_running_loop()
            t, _ = await loop.create_datagram_endpoint(lambda: Upstream(self, addr),
                                                       remote_addr=(target, self.port))
            self.up[addr] = t
        self.up[addr].sendto(data)


async def main():
    loop = asyncio.get_running_loop()
    servers = []
    for port, proto in ports:
        if proto == "tcp":
            servers.append(await asyncio.start_server(tcp_handler(port), listen_ip, port))
        else:
            await loop.create_datagram_endpoint(lambda p=port: Front(p), local_addr=(listen_ip, port))
    print("ready", flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
