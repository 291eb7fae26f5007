using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ClusterKeyRing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KeyRing",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    Sealed = table.Column<string>(type: "text", unicode: false, nullable: false),
                    StoredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KeyRing", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KeyRing");
        }
    }
}
