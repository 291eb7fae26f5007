using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RetainedMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RetainedMessages",
                columns: table => new
                {
                    Topic = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Payload = table.Column<byte[]>(type: "bytea", nullable: false),
                    QualityOfService = table.Column<int>(type: "integer", nullable: false),
                    ContentType = table.Column<string>(type: "text", nullable: true),
                    ResponseTopic = table.Column<string>(type: "text", nullable: true),
                    CorrelationData = table.Column<byte[]>(type: "bytea", nullable: true),
                    UserPropertiesJson = table.Column<string>(type: "text", nullable: true),
                    PayloadFormatIndicator = table.Column<int>(type: "integer", nullable: false),
                    MessageExpiryInterval = table.Column<long>(type: "bigint", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    SetAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RetainedMessages", x => x.Topic);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RetainedMessages_ClientId",
                table: "RetainedMessages",
                column: "ClientId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RetainedMessages");
        }
    }
}
