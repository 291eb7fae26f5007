using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddThings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Things",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    ThingTypeName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    AttributesJson = table.Column<string>(type: "character varying(16384)", maxLength: 16384, nullable: false),
                    ThingGroupsJson = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    Template = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CertificateId = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Online = table.Column<bool>(type: "boolean", nullable: false),
                    LastSeen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PresenceVersion = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Things", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Things_CertificateId",
                table: "Things",
                column: "CertificateId");

            migrationBuilder.CreateIndex(
                name: "IX_Things_Online",
                table: "Things",
                column: "Online");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Things");
        }
    }
}
