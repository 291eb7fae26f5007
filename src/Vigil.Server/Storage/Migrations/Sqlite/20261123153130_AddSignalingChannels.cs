using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddSignalingChannels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignalingChannels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 256, nullable: false),
                    Arn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 1024, nullable: false),
                    MessageTtlSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<string>(type: "TEXT", unicode: false, maxLength: 10, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignalingChannels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignalingChannelTags",
                columns: table => new
                {
                    ChannelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignalingChannelTags", x => new { x.ChannelId, x.Key });
                    table.ForeignKey(
                        name: "FK_SignalingChannelTags_SignalingChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "SignalingChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignalingChannels_Arn",
                table: "SignalingChannels",
                column: "Arn",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignalingChannels_Name",
                table: "SignalingChannels",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignalingChannelTags");

            migrationBuilder.DropTable(
                name: "SignalingChannels");
        }
    }
}
